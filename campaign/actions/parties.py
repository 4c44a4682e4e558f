from collections.abc import Mapping
from typing import Any, Unpack

from django.db import transaction

from campaign.actions import entities
from campaign.actions import fields as f
from campaign.models import Branch, Character, Party
from campaign.permissions import WRITE
from kernel.actor import Actor
from kernel.errors import ValidationError
from kernel.ids import EntityId

FIELDS: dict[str, f.Cleaner] = {
    "name": f.name,
    "average_level": f.integer(*Party.level_range, nullable=True),
    "manual_level_override": f.integer(*Party.level_range, nullable=True),
    "variables": f.json_object,
    "variable_schemas": f.json_list,
}


def clean(data: dict[str, Any], branch: Branch, party: Party | None) -> dict[str, Any]:
    return f.clean_fields(data, FIELDS, required=() if party else ("name",))


def create_party(
    actor: Actor,
    *,
    campaign_id: EntityId,
    data: Mapping[str, object],
    **options: Unpack[entities.Placement],
) -> Party:
    return entities.create_in_campaign(
        actor, model=Party, campaign_id=campaign_id, data=data, clean=clean, **options
    )


def update_party(
    actor: Actor,
    *,
    party_id: EntityId,
    data: Mapping[str, object],
    **options: Unpack[entities.Routing],
) -> Party:
    return entities.edit(actor, model=Party, entity_id=party_id, data=data, clean=clean, **options)


def _set_party(
    actor: Actor, party_id: EntityId, character_id: EntityId, join: bool, branch_id: EntityId | None
) -> Party:
    with transaction.atomic():
        party: Party = entities.load(
            actor, "party", party_id, branch_id=branch_id, minimum=WRITE, field="partyId", lock=True
        )
        character: Character = entities.load_related(
            party.branch, "character", character_id, "characterId"
        )
        if not join and character.party_id != party.pk:
            raise ValidationError(
                "This character is not a member of the party", field="characterId"
            )
        entities.update(actor, instance=character, changes={"party": party if join else None})
    return party


def add_member(
    actor: Actor, *, party_id: EntityId, character_id: EntityId, branch_id: EntityId | None = None
) -> Party:
    return _set_party(actor, party_id, character_id, True, branch_id)


def remove_member(
    actor: Actor, *, party_id: EntityId, character_id: EntityId, branch_id: EntityId | None = None
) -> Party:
    return _set_party(actor, party_id, character_id, False, branch_id)
