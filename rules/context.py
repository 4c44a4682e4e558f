"""The one context shape rules see, built in batches.

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
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.db.models import Count, Model, Q

from campaign.models import Branch, Character, Kingdom, Party, Settlement, Structure
from kernel.snapshots import iso
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


ScopeKey = tuple[Any, str, str]  # (branch id or None for the world, scope, scope uid)


def scope_key(variable: StateVariable) -> ScopeKey:
    return (variable.branch_id, variable.scope, str(variable.scope_uid))


def variables_in_scope(
    keys: set[ScopeKey], branches: Mapping[Any, Branch]
) -> dict[ScopeKey, list[StateVariable]]:
    """Per scope, the active state variables it sees, outer first — the world's, the
    campaign's, its own — for any number of scopes and branches, in one query."""
    world_of = {branch_id: branch.campaign.world_id for branch_id, branch in branches.items()}
    world_ids = {*world_of.values(), *(uid for branch_id, _, uid in keys if branch_id is None)}
    own_uids = {uid for branch_id, _, uid in keys if branch_id is not None}
    wanted = Q(branch__isnull=True, scope="world", scope_uid__in=world_ids) | Q(
        Q(scope="campaign") | Q(scope_uid__in=own_uids), branch__in=list(branches)
    )
    around: dict[ScopeKey, list[StateVariable]] = defaultdict(list)
    for row in StateVariable.objects.filter(wanted, is_active=True):
        around[scope_key(row)].append(row)
    in_scope: dict[ScopeKey, list[StateVariable]] = {}
    for key in keys:
        branch_id, scope, _ = key
        if branch_id is None:
            in_scope[key] = around[key]
            continue
        in_scope[key] = [
            *around[(None, "world", str(world_of[branch_id]))],
            *around[(branch_id, "campaign", str(branches[branch_id].campaign_id))],
            *(around[key] if scope != "campaign" else []),
        ]
    return in_scope


def rules_of(variables: Iterable[StateVariable]) -> list[VariableRule]:
    """What evaluation needs of the variables, an inner one shadowing an outer one's key."""
    merged = {variable.key: variable for variable in variables}
    return [VariableRule(str(v.uid), v.key, v.type, v.value, v.formula) for v in merged.values()]


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
    """Full contexts per primary key, for entities of one type on one branch (the structures of
    settlements and the variables in scope: two queries)."""
    if not entities:
        return {}
    first: Any = entities[0]
    keys = {entity: (first.branch_id, first.entity_type, str(entity.uid)) for entity in entities}  # type: ignore[attr-defined]
    in_scope = variables_in_scope(set(keys.values()), {first.branch_id: first.branch})
    out = bases(entities)
    for entity, key in keys.items():
        context = out[entity.pk]
        results = evaluate_variables(rules_of(in_scope[key]), context)
        context["var"] = {name: result.value for name, result in results.items() if result.success}
    return out
