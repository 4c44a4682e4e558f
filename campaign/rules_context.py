"""The one context shape rules see (DESIGN §8), built in batches.

For a settlement::

    {
      "settlement": {"id", "name", "level", "kingdomId", "locationId", "variables",
                     "structures": {"count": 5, "byType": {"temple": 1, ...}}},
      "kingdom": {"id", "name", "level", "variables"},
      "campaign": {"id", "name"},
      "worldTime": "4710-03-15T00:00:00.000Z" | null,
      "var": {"<key>": value, ...}
    }

A structure's context adds ``"structure": {"id", "name", "type", "level", "settlementId",
"variables"}`` to its settlement's; kingdoms, parties and characters get their own key plus
``campaign``, ``worldTime`` and ``var``. ``var`` holds the state variables in scope — the
world's, overridden by the campaign's, overridden by the entity's own — with derived variables
computed in dependency order.
"""

from collections import Counter, defaultdict
from collections.abc import Sequence
from typing import Any

from django.db.models import Count, Model

from campaign.models import Branch, Character, Kingdom, Party, Settlement, Structure
from campaign.snapshots import iso
from rules.evaluation import VariableRule, evaluate_variables
from rules.models import StateVariable

Context = dict[str, Any]


def _kingdom(kingdom: Kingdom) -> dict[str, Any]:
    return {
        "id": str(kingdom.uid),
        "name": kingdom.name,
        "level": kingdom.level,
        "variables": kingdom.variables,
    }


def _settlement(settlement: Settlement, structure_types: Counter[str]) -> dict[str, Any]:
    return {
        "id": str(settlement.uid),
        "name": settlement.name,
        "level": settlement.level,
        "kingdomId": str(settlement.kingdom.uid),
        "locationId": str(settlement.location_id),
        "variables": settlement.variables,
        "structures": {"count": sum(structure_types.values()), "byType": dict(structure_types)},
    }


def _structure(structure: Structure) -> dict[str, Any]:
    return {
        "id": str(structure.uid),
        "name": structure.name,
        "type": structure.type,
        "level": structure.level,
        "settlementId": str(structure.settlement.uid),
        "variables": structure.variables,
    }


def _party(party: Party) -> dict[str, Any]:
    return {
        "id": str(party.uid),
        "name": party.name,
        "level": party.level,
        "averageLevel": party.average_level,
        "manualLevelOverride": party.manual_level_override,
        "variables": party.variables,
    }


def _character(character: Character) -> dict[str, Any]:
    return {
        "id": str(character.uid),
        "name": character.name,
        "level": character.level,
        "race": character.race,
        "class": character.character_class,
        "isNPC": character.is_npc,
        "variables": character.variables,
    }


def structure_types(settlement_pks: Sequence[int]) -> dict[int, Counter[str]]:
    counts: dict[int, Counter[str]] = defaultdict(Counter)
    rows = (
        Structure.objects.filter(settlement_id__in=settlement_pks)
        .values("settlement_id", "type")
        .annotate(n=Count("id"))
    )
    for row in rows:
        counts[row["settlement_id"]][row["type"]] = row["n"]
    return counts


class VariableScopes:
    """The state variables of one branch, evaluated once per scope and merged per entity."""

    def __init__(self, branch: Branch, scope: str, scope_uids: Sequence[Any]) -> None:
        campaign = branch.campaign
        rows = (
            list(StateVariable.objects.filter(branch=branch, is_active=True, scope="campaign"))
            + list(
                StateVariable.objects.filter(
                    branch=branch, is_active=True, scope=scope, scope_uid__in=list(scope_uids)
                )
            )
            + list(
                StateVariable.objects.filter(
                    branch__isnull=True, scope="world", scope_uid=campaign.world_id, is_active=True
                )
            )
        )
        self.by_scope: dict[tuple[str, str], list[StateVariable]] = defaultdict(list)
        for row in rows:
            self.by_scope[(row.scope, str(row.scope_uid))].append(row)
        self.outer = (
            self.by_scope[("world", str(campaign.world_id))]
            + self.by_scope[("campaign", str(campaign.pk))]
        )
        self.scope = scope

    def values_for(self, scope_uid: Any, base: Context) -> dict[str, Any]:
        merged: dict[str, StateVariable] = {}
        for row in [*self.outer, *self.by_scope[(self.scope, str(scope_uid))]]:
            merged[row.key] = row
        rules = [
            VariableRule(str(v.uid), v.key, v.type, v.value, v.formula) for v in merged.values()
        ]
        results = evaluate_variables(rules, base)
        return {key: result.value for key, result in results.items() if result.success}


def common(branch: Branch) -> Context:
    """What every context of a branch holds: its campaign and its world time."""
    return {
        "campaign": {"id": str(branch.campaign_id), "name": branch.campaign.name},
        "worldTime": iso(branch.current_world_time),
    }


def bases(entities: Sequence[Model]) -> dict[int, Context]:
    """Context without ``var`` per primary key, for entities of one type on any branches (one
    query at most, for the structures of settlements)."""
    if not entities:
        return {}
    first = entities[0]
    counts: dict[int, Counter[str]] = {}
    if isinstance(first, Settlement | Structure):
        settlement_pks = {
            e.pk if isinstance(e, Settlement) else e.settlement_id  # type: ignore[attr-defined]
            for e in entities
        }
        counts = structure_types(list(settlement_pks))
    out: dict[int, Context] = {}
    for entity in entities:
        context = common(entity.branch)  # type: ignore[attr-defined]
        if isinstance(entity, Settlement):
            context["settlement"] = _settlement(entity, counts.get(entity.pk, Counter()))
            context["kingdom"] = _kingdom(entity.kingdom)
        elif isinstance(entity, Structure):
            context["structure"] = _structure(entity)
            context["settlement"] = _settlement(
                entity.settlement, counts.get(entity.settlement_id, Counter())
            )
            context["kingdom"] = _kingdom(entity.settlement.kingdom)
        elif isinstance(entity, Kingdom):
            context["kingdom"] = _kingdom(entity)
        elif isinstance(entity, Party):
            context["party"] = _party(entity)
        elif isinstance(entity, Character):
            context["character"] = _character(entity)
        out[entity.pk] = context
    return out


def contexts(entities: Sequence[Model]) -> dict[int, Context]:
    """Full contexts per primary key, for entities of one type on one branch."""
    if not entities:
        return {}
    first: Any = entities[0]
    scopes = VariableScopes(first.branch, first.entity_type, [e.uid for e in entities])  # type: ignore[attr-defined]
    out = bases(entities)
    for entity in entities:
        context = out[entity.pk]
        context["var"] = scopes.values_for(entity.uid, context)  # type: ignore[attr-defined]
    return out
