"""A campaign scene with one rule of every kind (built through the actions, as the owner)."""

from dataclasses import dataclass

from campaign.actions import characters, events, parties
from campaign.models import (
    Campaign,
    Character,
    Encounter,
    Event,
    Kingdom,
    Party,
    Settlement,
    Structure,
)
from kernel.actor import Actor
from rules import actions as rules
from rules.models import Effect, EffectExecution, FieldCondition, StateVariable
from tests.campaign import factories


@dataclass
class Scene:
    """A campaign with a kingdom, a settlement and its structure, a party and a character, an
    event and an encounter, and rules: an instance and a type-wide field condition, a campaign
    variable, a derived settlement variable, a world variable, an effect with an execution."""

    campaign: Campaign
    kingdom: Kingdom
    settlement: Settlement
    structure: Structure
    party: Party
    character: Character
    event: Event
    encounter: Encounter
    condition: FieldCondition
    type_condition: FieldCondition
    gold: StateVariable
    wealth: StateVariable
    era: StateVariable
    effect: Effect
    execution: EffectExecution

    @property
    def ids(self) -> dict[str, str]:
        return {
            "campaign": str(self.campaign.pk),
            "kingdom": str(self.kingdom.uid),
            "settlement": str(self.settlement.uid),
            "structure": str(self.structure.uid),
            "event": str(self.event.uid),
            "encounter": str(self.encounter.uid),
            "condition": str(self.condition.uid),
            "type_condition": str(self.type_condition.uid),
            "gold": str(self.gold.uid),
            "wealth": str(self.wealth.uid),
            "era": str(self.era.uid),
            "effect": str(self.effect.uid),
            "world": str(self.campaign.world_id),
        }


def build_scene(owner: Actor, campaign: Campaign) -> Scene:
    kingdom = factories.kingdom(owner, campaign, name="Brevoy", level=4)
    settlement = factories.settlement(owner, kingdom, name="Restov", level=5)
    structure = factories.structure(owner, settlement, name="Temple", level=2)
    party = parties.create_party(owner, campaign.pk, {"name": "Stolen Lands Company"})
    character = characters.create_character(owner, campaign.pk, {"name": "Amiri", "level": 3})
    event = events.create_event(owner, campaign.pk, {"name": "Festival", "event_type": "kingdom"})
    encounter = events.create_encounter(owner, campaign.pk, {"name": "Bandits"})
    condition = rules.create_field_condition(
        owner,
        {
            "entity_type": "Settlement",
            "entity_id": str(settlement.uid),
            "field": "is_trade_hub",
            "expression": {">=": [{"var": "settlement.level"}, 3]},
            "description": "Big enough to trade",
            "priority": 10,
        },
    )
    type_condition = rules.create_field_condition(
        owner,
        {
            "entity_type": "settlement",
            "campaign_id": str(campaign.pk),
            "field": "is_trade_hub",
            "expression": False,
            "priority": 1,
        },
    )
    gold = rules.create_state_variable(
        owner,
        {
            "scope": "campaign",
            "scope_id": str(campaign.pk),
            "key": "gold",
            "type": "integer",
            "value": 100,
        },
    )
    wealth = rules.create_state_variable(
        owner,
        {
            "scope": "settlement",
            "scope_id": str(settlement.uid),
            "key": "wealth",
            "type": "derived",
            "formula": {"*": [{"var": "var.gold"}, {"var": "settlement.level"}]},
        },
    )
    era = rules.create_state_variable(
        owner,
        {
            "scope": "world",
            "scope_id": str(campaign.world_id),
            "key": "era",
            "type": "string",
            "value": "Age of Lost Omens",
        },
    )
    effect = rules.create_effect(
        owner,
        {
            "entity_type": "event",
            "entity_id": str(event.uid),
            "name": "Festival joy",
            "effect_type": "patch",
            "payload": [{"op": "replace", "path": "/level", "value": 6}],
            "target_type": "settlement",
            "target_id": str(settlement.uid),
            "timing": "ON_RESOLVE",
            "priority": 2,
        },
    )
    execution = EffectExecution.objects.create(
        effect=effect,
        source_type="event",
        source_uid=event.uid,
        executed_by=owner.user,
        context={"level": 5},
        result={"success": True, "patchApplied": effect.payload},
    )
    return Scene(
        campaign,
        kingdom,
        settlement,
        structure,
        party,
        character,
        event,
        encounter,
        condition,
        type_condition,
        gold,
        wealth,
        era,
        effect,
        execution,
    )
