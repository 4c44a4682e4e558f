"""The values of state variables, each in its own scope (DESIGN §8), computed in batches.

A stored variable's value is what it holds. A derived one's is its formula evaluated in the context
rules see for its scope (``rules_context``: the entity, its parents, the campaign, the world time)
with ``var`` holding the variables in scope — the world's, overridden by the campaign's,
overridden by the scope's own — computed in dependency order. A whole list of variables costs a
few queries per (branch, scope), whatever its length. Callers authorize before calling.
"""

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from campaign import rules_context
from campaign.computed_fields import RELATED
from campaign.models import (
    Branch,
    Character,
    Encounter,
    Event,
    Kingdom,
    Location,
    Party,
    Settlement,
    Structure,
)
from campaign.snapshots import iso
from rules.evaluation import Result, TraceStep, VariableRule, evaluate_variables, trace
from rules.models import StateVariable

Context = dict[str, Any]

RULE_ENTITIES: dict[str, Any] = {
    "settlement": Settlement,
    "structure": Structure,
    "kingdom": Kingdom,
    "party": Party,
    "character": Character,
}
OCCURRENCES: dict[str, Any] = {"event": Event, "encounter": Encounter}


def _rule(variable: StateVariable) -> VariableRule:
    return VariableRule(
        str(variable.uid), variable.key, variable.type, variable.value, variable.formula
    )


def _live(variable: StateVariable) -> bool:
    return variable.is_active and variable.deleted_at is None


def _common(branch: Branch) -> Context:
    return {
        "campaign": {"id": str(branch.campaign_id), "name": branch.campaign.name},
        "worldTime": iso(branch.current_world_time),
    }


def _bases(branch: Branch, scope: str, uids: Sequence[Any]) -> dict[str, Context]:
    """Per scope uid, the context of the scope without ``var``."""
    common = _common(branch)
    bases = {str(uid): dict(common) for uid in uids}
    if scope in RULE_ENTITIES:
        model = RULE_ENTITIES[scope]
        rows = {
            row.pk: row
            for row in model.objects.filter(branch=branch, uid__in=list(uids)).select_related(
                *RELATED[model]
            )
        }
        for pk, context in rules_context.contexts(list(rows.values())).items():
            context.pop("var", None)
            bases[str(rows[pk].uid)] = context
    elif scope in OCCURRENCES:
        for row in OCCURRENCES[scope].objects.filter(branch=branch, uid__in=list(uids)):
            bases[str(row.uid)][scope] = {
                "id": str(row.uid),
                "name": row.name,
                "variables": row.variables,
            }
    elif scope == "location":
        for row in Location.objects.filter(pk__in=list(uids)):
            bases[str(row.pk)]["location"] = {"id": str(row.pk), "name": row.name}
    return bases


@dataclass
class ScopeGroup:
    """The variables in scope for some scopes of one kind on one branch (or one world)."""

    bases: dict[str, Context]
    in_scope: dict[str, list[StateVariable]]  # scope uid → the variables it sees, outer first

    @classmethod
    def load(cls, branch: Branch | None, scope: str, uids: Sequence[Any]) -> "ScopeGroup":
        if branch is None:  # world variables see the world's only
            rows = StateVariable.objects.filter(
                branch__isnull=True, scope="world", scope_uid__in=list(uids), is_active=True
            )
            in_scope: dict[str, list[StateVariable]] = defaultdict(list)
            for row in rows.order_by("key"):
                in_scope[str(row.scope_uid)].append(row)
            return cls({str(uid): {} for uid in uids}, in_scope)
        scopes = rules_context.VariableScopes(branch, scope, uids)
        return cls(
            _bases(branch, scope, uids),
            {str(uid): [*scopes.outer, *scopes.by_scope[(scope, str(uid))]] for uid in uids},
        )

    def results(
        self, scope_uid: Any, extra: Mapping[str, Any] | None = None, also: Iterable[Any] = ()
    ) -> tuple[dict[str, Result], Context]:
        """(every variable's result by key, the context they were evaluated in) for one scope;
        ``also`` adds variables the scope would not see (inactive or deleted ones)."""
        merged: dict[str, StateVariable] = {}
        for row in [*self.in_scope.get(str(scope_uid), []), *also]:
            merged[row.key] = row
        context = {**self.bases.get(str(scope_uid), {}), **(extra or {})}
        return evaluate_variables([_rule(v) for v in merged.values()], context), context


def values(variables: Sequence[StateVariable]) -> list[Result]:
    """Each variable's value (a ``Result``), in the order given."""
    groups: dict[tuple[Any, str], list[StateVariable]] = defaultdict(list)
    for variable in variables:
        if variable.type == "derived":
            groups[(variable.branch_id, variable.scope)].append(variable)
    derived: dict[int, Result] = {}
    for (_, scope), members in groups.items():
        branch = members[0].branch
        uids = list(dict.fromkeys(v.scope_uid for v in members))
        group = ScopeGroup.load(branch, scope, uids)
        by_scope: dict[str, dict[str, Result]] = {}
        for variable in members:
            if _live(variable):
                if str(variable.scope_uid) not in by_scope:
                    by_scope[str(variable.scope_uid)] = group.results(variable.scope_uid)[0]
                results = by_scope[str(variable.scope_uid)]
            else:
                results = group.results(variable.scope_uid, also=[variable])[0]
            derived[variable.pk] = results.get(
                variable.key, Result(False, None, "the variable could not be evaluated")
            )
    return [derived[v.pk] if v.type == "derived" else Result(True, v.value) for v in variables]


def evaluate(
    variable: StateVariable, extra: Mapping[str, Any] | None = None
) -> tuple[Result, list[TraceStep], Context]:
    """(result, trace, context) of one variable; ``extra`` is merged over its scope's context
    (its ``var``, if any, over the computed variables)."""
    if variable.type != "derived":
        return Result(True, variable.value), [], {}
    extra = dict(extra or {})
    given_vars = extra.pop("var", None)
    group = ScopeGroup.load(variable.branch, variable.scope, [variable.scope_uid])
    results, context = group.results(variable.scope_uid, extra, also=[variable])
    known = {
        key: result.value
        for key, result in results.items()
        if result.success and key != variable.key
    }
    if isinstance(given_vars, dict):
        known.update(given_vars)
    context = {**context, "var": known}
    result, steps = trace(variable.formula, context)
    return result, steps, context
