from collections.abc import Mapping
from typing import Any, Unpack

from campaign.actions import entities
from campaign.actions import fields as f
from campaign.models import Branch, Character
from kernel.actor import Actor
from kernel.ids import EntityId

FIELDS: dict[str, f.Cleaner] = {
    "name": f.name,
    "level": f.integer(*Character.level_range),
    "race": f.text,
    "character_class": f.text,
    "is_npc": f.boolean,
    "party_id": lambda value, field: value,
    "variables": f.json_object,
    "variable_schemas": f.json_list,
}


def clean(data: dict[str, Any], branch: Branch, character: Character | None) -> dict[str, Any]:
    cleaned = f.clean_fields(data, FIELDS, required=() if character else ("name",))
    if "party_id" in cleaned:
        party_id = cleaned.pop("party_id")
        cleaned["party"] = (
            None
            if party_id is None
            else entities.load_related(branch, "party", party_id, "partyId", lock=True)
        )
    return cleaned


def create_character(
    actor: Actor,
    *,
    campaign_id: EntityId,
    data: Mapping[str, object],
    **options: Unpack[entities.Placement],
) -> Character:
    return entities.create_in_campaign(
        actor, model=Character, campaign_id=campaign_id, data=data, clean=clean, **options
    )


def update_character(
    actor: Actor,
    *,
    character_id: EntityId,
    data: Mapping[str, object],
    **options: Unpack[entities.Routing],
) -> Character:
    return entities.edit(
        actor, model=Character, entity_id=character_id, data=data, clean=clean, **options
    )
