from collections.abc import Mapping
from typing import Any, Unpack

from django.db import IntegrityError, transaction

from campaign.actions import entities
from campaign.actions import fields as f
from campaign.models import Branch, Location, Settlement
from kernel.actor import Actor
from kernel.dates import InstantInput
from kernel.errors import ValidationError
from kernel.ids import EntityId

FIELDS: dict[str, f.Cleaner] = {
    "name": f.name,
    "level": f.integer(*Settlement.level_range),
    "location_id": lambda value, field: value,
    "variables": f.json_object,
    "variable_schemas": f.json_list,
}


def _location(branch: Branch, location_id: object) -> Location:
    location = Location.objects.filter(
        pk=entities.parse_id(location_id, "locationId"), world_id=branch.campaign.world_id
    ).first()
    if location is None:
        raise ValidationError(
            f"Location {location_id} does not exist in this campaign's world", field="locationId"
        )
    if Settlement.objects.filter(branch=branch, location=location).exists():
        raise ValidationError(
            "This location is already occupied by another settlement", field="locationId"
        )
    return location


def clean(data: dict[str, Any], branch: Branch, settlement: Settlement | None) -> dict[str, Any]:
    cleaned = f.clean_fields(data, FIELDS, required=() if settlement else ("name", "location_id"))
    if "location_id" in cleaned:
        if settlement is not None:
            raise ValidationError("A settlement's location cannot change", field="locationId")
        cleaned["location"] = _location(branch, cleaned.pop("location_id"))
    return cleaned


def create_settlement(
    actor: Actor,
    *,
    kingdom_id: EntityId,
    data: Mapping[str, object],
    branch_id: EntityId | None = None,
    world_time: InstantInput | None = None,
) -> Settlement:
    try:
        with transaction.atomic():
            return entities.create_under(
                actor,
                model=Settlement,
                parent_kind="kingdom",
                parent_id=kingdom_id,
                data=data,
                clean=clean,
                field="kingdomId",
                branch_id=branch_id,
                world_time=world_time,
            )
    except IntegrityError:
        # The unique index has the last word on an occupied location, should a write ever get
        # past the check (creates in a campaign hold its row lock, so none does today): the
        # check's own refusal, not a 500.
        kingdom = entities.load(
            actor, "kingdom", kingdom_id, branch_id=branch_id, field="kingdomId"
        )
        _location(kingdom.branch, data.get("location_id"))
        raise


def update_settlement(
    actor: Actor,
    *,
    settlement_id: EntityId,
    data: Mapping[str, object],
    **options: Unpack[entities.Routing],
) -> Settlement:
    return entities.edit(
        actor, model=Settlement, entity_id=settlement_id, data=data, clean=clean, **options
    )
