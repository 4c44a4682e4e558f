"""A campaign with one row of every branch-scoped kind, and how each kind is edited through its
own action: what the branching tests fork, edit and merge."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from campaign.actions import characters, events, kingdoms, links, parties, settlements, structures
from campaign.models import Campaign
from kernel.actor import Actor
from rules import actions as rules
from tests import builders


@dataclass(frozen=True)
class Editor:
    """Edits one kind: ``edit(actor, id, data, branch_id)``; ``field`` is a text field it sets."""

    edit: Callable[..., Any]
    field: str


def _by(action: Callable[..., Any], id_name: str) -> Callable[..., Any]:
    def edit(actor: Actor, entity_id: str, data: dict[str, Any], branch_id: Any) -> Any:
        return action(actor, **{id_name: entity_id}, data=data, branch_id=branch_id)

    return edit


EDITORS: dict[str, Editor] = {
    "kingdom": Editor(_by(kingdoms.update_kingdom, "kingdom_id"), "name"),
    "settlement": Editor(_by(settlements.update_settlement, "settlement_id"), "name"),
    "structure": Editor(_by(structures.update_structure, "structure_id"), "name"),
    "party": Editor(_by(parties.update_party, "party_id"), "name"),
    "character": Editor(_by(characters.update_character, "character_id"), "name"),
    "event": Editor(_by(events.update_event, "event_id"), "name"),
    "encounter": Editor(_by(events.update_encounter, "encounter_id"), "name"),
    "link": Editor(_by(links.update_link, "link_id"), "description"),
    "field_condition": Editor(_by(rules.update_field_condition, "condition_id"), "description"),
    "state_variable": Editor(_by(rules.update_state_variable, "variable_id"), "description"),
    "effect": Editor(_by(rules.update_effect, "effect_id"), "description"),
    "condition": Editor(_by(rules.update_condition, "condition_id"), "description"),
}


def every_kind(owner: Actor, campaign: Campaign) -> dict[str, Any]:
    """One row of every branch-scoped kind on the main branch, by entity type."""
    scene = builders.build_scene(owner, campaign)
    link = builders.link(owner, campaign, scene.event, scene.encounter)
    availability = rules.create_condition(
        owner,
        data={
            "entity_type": "encounter",
            "entity_id": str(scene.encounter.uid),
            "name": "Only at night",
            "expression": True,
        },
    )
    return {
        "kingdom": scene.kingdom,
        "settlement": scene.settlement,
        "structure": scene.structure,
        "party": scene.party,
        "character": scene.character,
        "event": scene.event,
        "encounter": scene.encounter,
        "link": link,
        "field_condition": scene.condition,
        "state_variable": scene.gold,
        "effect": scene.effect,
        "condition": availability,
    }
