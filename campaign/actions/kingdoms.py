from collections.abc import Mapping
from typing import Any, Unpack

from campaign.actions import entities
from campaign.actions import fields as f
from campaign.models import Branch, Kingdom
from kernel.actor import Actor
from kernel.ids import EntityId

FIELDS: dict[str, f.Cleaner] = {
    "name": f.name,
    "level": f.integer(*Kingdom.level_range),
    "variables": f.json_object,
    "variable_schemas": f.json_list,
}


def clean(data: dict[str, Any], branch: Branch, kingdom: Kingdom | None) -> dict[str, Any]:
    return f.clean_fields(data, FIELDS, required=() if kingdom else ("name",))


def create_kingdom(
    actor: Actor,
    *,
    campaign_id: EntityId,
    data: Mapping[str, object],
    **options: Unpack[entities.Placement],
) -> Kingdom:
    return entities.create_in_campaign(
        actor, model=Kingdom, campaign_id=campaign_id, data=data, clean=clean, **options
    )


def update_kingdom(
    actor: Actor,
    *,
    kingdom_id: EntityId,
    data: Mapping[str, object],
    **options: Unpack[entities.Routing],
) -> Kingdom:
    return entities.edit(
        actor, model=Kingdom, entity_id=kingdom_id, data=data, clean=clean, **options
    )
