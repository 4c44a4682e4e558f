from collections.abc import Mapping
from typing import Any, Unpack

from campaign.actions import entities
from campaign.actions import fields as f
from campaign.models import Branch, Structure
from kernel.actor import Actor
from kernel.dates import InstantInput
from kernel.ids import EntityId

FIELDS: dict[str, f.Cleaner] = {
    "name": f.name,
    "type": f.name,
    "level": f.integer(*Structure.level_range),
    "x": f.number(),
    "y": f.number(),
    "orientation": f.number(),
    "variables": f.json_object,
    "variable_schemas": f.json_list,
}


def clean(data: dict[str, Any], branch: Branch, structure: Structure | None) -> dict[str, Any]:
    return f.clean_fields(data, FIELDS, required=() if structure else ("name", "type"))


def create_structure(
    actor: Actor,
    *,
    settlement_id: EntityId,
    data: Mapping[str, object],
    branch_id: EntityId | None = None,
    world_time: InstantInput | None = None,
) -> Structure:
    return entities.create_under(
        actor,
        model=Structure,
        parent_kind="settlement",
        parent_id=settlement_id,
        data=data,
        clean=clean,
        field="settlementId",
        branch_id=branch_id,
        world_time=world_time,
    )


def update_structure(
    actor: Actor,
    *,
    structure_id: EntityId,
    data: Mapping[str, object],
    **options: Unpack[entities.Routing],
) -> Structure:
    return entities.edit(
        actor, model=Structure, entity_id=structure_id, data=data, clean=clean, **options
    )
