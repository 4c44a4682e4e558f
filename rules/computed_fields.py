"""Computed fields of settlements, structures, kingdoms, parties and characters.

``for_entities`` evaluates a whole list with a constant number of queries: the conditions of the
branch and type (instance and type-wide) in one, the state variables in scope in a few, the
entities' parents with ``select_related``. Results are cached under keys carrying the branch's
generation, which every committed change bumps, so a cached result is never stale and nothing is
ever deleted by pattern. Callers authorize before calling.
"""

import threading
import time
from collections import OrderedDict, defaultdict
from collections.abc import Sequence
from typing import Any

from django.core.cache import cache
from django.db.models import Model, Q

from campaign.models import Character, Kingdom, Party, Settlement, Structure
from kernel import cache_stats, generations
from observability import metrics
from rules import context as rules_context
from rules import jsonlogic
from rules.evaluation import ComputedFields, ConditionRule, compute_fields
from rules.models import FieldCondition

TTL = 24 * 3600
RELATED = {
    Settlement: ("branch__campaign", "kingdom"),
    Structure: ("branch__campaign", "settlement__kingdom"),
    Kingdom: ("branch__campaign",),
    Party: ("branch__campaign",),
    Character: ("branch__campaign",),
}


def cache_key(entity: Any, generation: int) -> str:
    branch = entity.branch
    return (
        f"computed:{branch.campaign_id}:{branch.pk}:{generation}:{entity.entity_type}:{entity.uid}"
    )


def _rules(branch_id: Any, entity_type: str, uids: Sequence[Any]) -> dict[Any, list[ConditionRule]]:
    """Per entity uid, the active conditions that apply to it (its own and the type-wide)."""
    rows = FieldCondition.objects.filter(
        Q(target_uid__in=list(uids)) | Q(target_uid__isnull=True),
        branch_id=branch_id,
        target_type=entity_type,
        is_active=True,
    ).values_list("uid", "version", "target_uid", "field", "expression", "priority", "created_at")
    shared: list[ConditionRule] = []
    own: dict[Any, list[ConditionRule]] = defaultdict(list)
    for uid, version, target_uid, field, expression, priority, created_at in rows:
        rule = ConditionRule(
            id=str(uid),
            field=field,
            expression=compiled(uid, version, expression),
            priority=priority,
            instance_level=target_uid is not None,
            order=created_at,
        )
        (own[target_uid] if target_uid is not None else shared).append(rule)
    return {uid: [*own.get(uid, []), *shared] for uid in uids}


_COMPILED: OrderedDict[tuple[Any, int], jsonlogic.CompiledRule] = OrderedDict()
_COMPILED_LOCK = threading.Lock()
COMPILED_MAX = 16_384


def compiled(uid: Any, version: int, expression: Any) -> jsonlogic.CompiledRule | Any:
    """A condition's compiled expression, kept per (condition, version) so that a hot path does
    not even serialise the expression to find it in the compiler's cache. An expression that no
    longer compiles is returned as is, to fail (and be reported) at evaluation."""
    key = (uid, version)
    with _COMPILED_LOCK:
        found = _COMPILED.get(key)
        if found is not None:
            _COMPILED.move_to_end(key)
            return found
    try:
        rule = jsonlogic.compile(expression)
    except jsonlogic.JsonLogicError:
        return expression
    with _COMPILED_LOCK:
        _COMPILED[key] = rule
        if len(_COMPILED) > COMPILED_MAX:
            _COMPILED.popitem(last=False)
    return rule


@metrics.RULE_EVALUATION_SECONDS.labels("computed_fields").time()
def _evaluate(entities: Sequence[Model]) -> dict[int, ComputedFields]:
    first: Any = entities[0]
    model = type(first)
    # all_objects: a reference may still reach a soft-deleted row (e.g. a deleted structure's
    # settlement), and every entity asked about must get an answer.
    fresh = list(
        model.all_objects.filter(pk__in=[e.pk for e in entities]).select_related(*RELATED[model])
    )
    rules = _rules(first.branch_id, first.entity_type, [e.uid for e in fresh])
    if not any(rules.values()):
        return {e.pk: ComputedFields() for e in fresh}
    contexts = rules_context.contexts(fresh)
    return {e.pk: compute_fields(rules[e.uid], contexts[e.pk]) for e in fresh}


def for_entities(entities: Sequence[Model]) -> dict[int, ComputedFields]:
    """Computed fields per primary key, for entities of one type (any branches)."""
    by_branch: dict[Any, list[Any]] = defaultdict(list)
    for entity in entities:
        by_branch[entity.branch_id].append(entity)  # type: ignore[attr-defined]
    out: dict[int, ComputedFields] = {}
    for group in by_branch.values():
        branch = group[0].branch
        generation = generations.current(branch.campaign_id, branch.pk)
        keys = {cache_key(e, generation): e for e in group}
        hits = cache.get_many(list(keys))
        for key, stored in hits.items():
            out[keys[key].pk] = ComputedFields(**stored)
        missing = [e for key, e in keys.items() if key not in hits]
        began = time.perf_counter()
        if missing:
            computed = _evaluate(missing)
            cache.set_many(
                {cache_key(e, generation): as_stored(computed[e.pk]) for e in missing}, TTL
            )
            out.update(computed)
        cache_stats.count(
            cache_stats.COMPUTED_FIELDS,
            hits=len(hits),
            misses=len(missing),
            sets=len(missing),
            compute_ms=cache_stats.elapsed_ms(began) if missing else 0.0,
        )
    return out


def as_stored(result: ComputedFields) -> dict[str, Any]:
    return {"values": result.values, "errors": result.errors, "decided_by": result.decided_by}


def for_entity(entity: Model) -> ComputedFields:
    return for_entities([entity])[entity.pk]
