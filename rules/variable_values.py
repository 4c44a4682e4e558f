"""The values of state variables, each in its own scope, computed in batches.

A stored variable's value is what it holds. A derived one's is its formula evaluated in the context
rules see for its scope (``rules_context``: the entity, its parents, the campaign, the world time)
with ``var`` holding the variables in scope — the world's, overridden by the campaign's,
overridden by the scope's own — computed in dependency order. A whole list of variables, over any
number of branches and scopes, costs a constant number of queries. Callers authorize before.
"""

from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

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
from kernel.errors import ValidationError
from observability import metrics
from rules import context as rules_context
from rules.computed_fields import RELATED
from rules.context import ScopeKey, scope_key
from rules.evaluation import Result, TraceStep, evaluate_variables, trace
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


def _live(variable: StateVariable) -> bool:
    return variable.is_active and variable.deleted_at is None


@dataclass
class Scopes:
    """The base contexts and the variables in scope of many scopes at once."""

    bases: dict[ScopeKey, Context]
    in_scope: dict[ScopeKey, list[StateVariable]]  # outer first

    @classmethod
    def load(cls, variables: Sequence[StateVariable]) -> "Scopes":
        keys = {scope_key(v) for v in variables}
        branches = {v.branch_id: v.branch for v in variables if v.branch is not None}
        return cls(_bases(keys, branches), rules_context.variables_in_scope(keys, branches))

    def results(
        self, key: ScopeKey, extra: Mapping[str, Any] | None = None, also: Iterable[Any] = ()
    ) -> tuple[dict[str, Result], Context]:
        """(every variable's result by key, the context they were evaluated in) for one scope;
        ``also`` adds variables the scope would not see (inactive or deleted ones)."""
        rules = rules_context.rules_of([*self.in_scope.get(key, []), *also])
        context = {**self.bases.get(key, {}), **(extra or {})}
        return evaluate_variables(rules, context), context


def _bases(keys: set[ScopeKey], branches: Mapping[Any, Branch]) -> dict[ScopeKey, Context]:
    """Per scope, the context of the scope without ``var``: one query per kind of scope."""
    out: dict[ScopeKey, Context] = {}
    wanted: dict[str, set[str]] = defaultdict(set)
    for branch_id, scope, uid in keys:
        if branch_id is None:
            out[(branch_id, scope, uid)] = {}
        else:
            out[(branch_id, scope, uid)] = rules_context.common(branches[branch_id])
            wanted[scope].add(uid)
    branch_ids = list(branches)
    for scope, uids in wanted.items():
        if scope in RULE_ENTITIES:
            model = RULE_ENTITIES[scope]
            rows = list(
                model.objects.filter(branch__in=branch_ids, uid__in=uids).select_related(
                    *RELATED[model]
                )
            )
            contexts = rules_context.bases(rows)
            for row in rows:
                out[(row.branch_id, scope, str(row.uid))] = contexts[row.pk]
        elif scope in OCCURRENCES:
            for row in OCCURRENCES[scope].objects.filter(branch__in=branch_ids, uid__in=uids):
                out[(row.branch_id, scope, str(row.uid))][scope] = {
                    "id": str(row.uid),
                    "name": row.name,
                    "variables": row.variables,
                }
        elif scope == "location":
            places = {str(row.pk): row for row in Location.objects.filter(pk__in=uids)}
            for key in out:
                if key[1] == "location" and key[2] in places:
                    out[key]["location"] = {"id": key[2], "name": places[key[2]].name}
    return out


@metrics.RULE_EVALUATION_SECONDS.labels("state_variables").time()
def values(variables: Sequence[StateVariable]) -> list[Result]:
    """Each variable's value (a ``Result``), in the order given."""
    derived = [v for v in variables if v.type == "derived"]
    scopes = Scopes.load(derived)
    per_scope: dict[ScopeKey, dict[str, Result]] = {}
    found: dict[int, Result] = {}
    for variable in derived:
        key = scope_key(variable)
        if _live(variable):
            if key not in per_scope:
                per_scope[key] = scopes.results(key)[0]
            results = per_scope[key]
        else:
            results = scopes.results(key, also=[variable])[0]
        found[variable.pk] = results.get(
            variable.key, Result(False, None, "the variable could not be evaluated")
        )
    return [found[v.pk] if v.type == "derived" else Result(True, v.value) for v in variables]


def refuse_over_limits(variable: StateVariable) -> None:
    """Refuse a derived formula (saved or about to be) whose value in its scope as it stands runs
    into an evaluation limit, naming the limit: the GM learns it on saving, not from every read."""
    if variable.type != "derived":
        return
    results, _ = Scopes.load([variable]).results(scope_key(variable), also=[variable])
    result = results[variable.key]
    if result.limit is not None:
        raise ValidationError(
            f"The formula cannot be evaluated within the limits: {result.error}", field="formula"
        )


def evaluate(
    variable: StateVariable, extra: Mapping[str, Any] | None = None
) -> tuple[Result, list[TraceStep], Context]:
    """(result, trace, context) of one variable; ``extra`` is merged over its scope's context
    (its ``var``, if any, over the computed variables)."""
    if variable.type != "derived":
        return Result(True, variable.value), [], {}
    extra = dict(extra or {})
    given_vars = extra.pop("var", None)
    results, context = Scopes.load([variable]).results(scope_key(variable), extra, also=[variable])
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
