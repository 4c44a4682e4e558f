from collections.abc import Mapping
from typing import Any

from django.db import transaction

from campaign.actions import entities
from campaign.actions import fields as f
from campaign.geometry import clean_geometry
from campaign.models import Location, LocationType
from campaign.permissions import WRITE, require_world
from kernel.actor import Actor
from kernel.dates import InstantInput
from kernel.errors import NotFound, ValidationError
from kernel.ids import EntityId

FIELDS: dict[str, f.Cleaner] = {
    "name": f.text,
    "description": f.text,
    "type": f.choice(LocationType.values),
    "geometry": lambda value, field: value,  # cleaned with its bounding box below
    "parent_id": lambda value, field: value,  # resolved within the world below
}


def _with_geometry(cleaned: dict[str, Any]) -> dict[str, Any]:
    if "geometry" in cleaned:
        if cleaned["geometry"] is None:
            cleaned.update(min_x=None, min_y=None, max_x=None, max_y=None, extent=None)
        else:
            geometry, (min_x, min_y, max_x, max_y) = clean_geometry(cleaned["geometry"])
            cleaned.update(geometry=geometry, min_x=min_x, min_y=min_y, max_x=max_x, max_y=max_y)
            cleaned["extent"] = max(max_x - min_x, max_y - min_y)
    return cleaned


def _with_parent(
    cleaned: dict[str, Any], world_id: EntityId, location: Location | None
) -> dict[str, Any]:
    if "parent_id" not in cleaned:
        return cleaned
    parent_id = cleaned.pop("parent_id")
    if parent_id is None:
        cleaned["parent"] = None
        return cleaned
    parent = Location.objects.filter(
        pk=entities.parse_id(parent_id, "parentLocationId"), world_id=world_id
    ).first()
    missing = ValidationError(
        f"Parent location {parent_id} does not exist in the same world", field="parentLocationId"
    )
    if parent is None:
        raise missing
    # Held (after the world) against a concurrent delete of the parent; tree changes in one
    # world serialize on it, so the ancestors read below cannot move meanwhile.
    entities.hold(parent, missing)
    ancestor: Location | None = parent
    while ancestor is not None:
        if location is not None and ancestor.pk == location.pk:
            raise ValidationError(
                "A location cannot be inside itself or one of its descendants",
                field="parentLocationId",
            )
        ancestor = ancestor.parent
    cleaned["parent"] = parent
    return cleaned


def create_location(actor: Actor, *, world_id: EntityId, data: Mapping[str, object]) -> Location:
    # The map is edited by the world's owner and the GMs of its campaigns.
    world = entities.load(actor, "world", world_id, field="worldId")
    require_world(actor, world, WRITE)
    cleaned = f.clean_fields(data, FIELDS, required=("type",))
    with transaction.atomic():
        entities.hold(world, NotFound.entity("world", world_id, "worldId"))
        cleaned = _with_parent(_with_geometry(cleaned), world.pk, None)
        return entities.save_new(actor, instance=Location(world=world, **cleaned))


def update_location(
    actor: Actor,
    *,
    location_id: EntityId,
    data: Mapping[str, object],
    expected_version: int | None = None,
    world_time: InstantInput | None = None,
) -> Location:
    location = entities.load(actor, "location", location_id, minimum=WRITE)
    cleaned = f.clean_fields(data, FIELDS)
    with transaction.atomic():
        cleaned = _with_parent(_with_geometry(cleaned), location.world_id, location)
        return entities.update(
            actor,
            instance=location,
            changes=cleaned,
            expected_version=expected_version,
            world_time=f.moment(world_time, "worldTime"),
        )
