"""Evaluating rules against a context: computed fields and state variables.

Pure functions over plain data, so the same code serves requests, Celery jobs and commands.
An expression that fails at evaluation time yields ``Result(success=False, error=…)``; nothing
here raises for a bad rule. Every evaluation is bounded by the engine's limits (steps, size built,
size and depth of the result: ``rules.jsonlogic.limits``); a result that ran into one names it in
``limit``, so a request asking for the evaluation can refuse it while a stored rule's value only
reports its error.
"""

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

from rules import jsonlogic
from rules.expressions import variable_keys
from rules.graph import DependencyGraph, Edge, Node


@dataclass(frozen=True)
class Result:
    success: bool
    value: Any = None
    error: str | None = None
    limit: str | None = None
    """The engine limit the evaluation exceeded (``max_steps``, ``max_built``…), if that is why
    it failed."""


def failure(exc: jsonlogic.JsonLogicError) -> Result:
    limit = exc.limit if isinstance(exc, jsonlogic.LimitExceededError) else None
    return Result(False, None, str(exc), limit)


def evaluate(expression: Any, context: Mapping[str, Any]) -> Result:
    """``expression`` is JSON, or a rule compiled beforehand (the hot paths keep those)."""
    try:
        if not isinstance(expression, jsonlogic.CompiledRule):
            expression = jsonlogic.compile(expression)
        return Result(True, expression.evaluate(context))
    except jsonlogic.JsonLogicError as exc:
        return failure(exc)


@dataclass(frozen=True)
class TraceStep:
    step: str
    operation: str
    description: str
    input: Any
    output: Any
    passed: bool


def trace(expression: Any, context: Mapping[str, Any]) -> tuple[Result, list[TraceStep]]:
    """The result and every operation that produced it, innermost first."""
    try:
        compiled = jsonlogic.compile(expression)
    except jsonlogic.JsonLogicError as exc:
        step = TraceStep("1", "validate", f"Invalid expression: {exc}", expression, None, False)
        return failure(exc), [step]
    traced = compiled.trace(dict(context))
    steps = [
        TraceStep(
            step=str(index),
            operation=s.op,
            description=f"{s.op} at {s.path}",
            input=list(s.inputs),
            output=s.output,
            passed=True,
        )
        for index, s in enumerate(traced.steps, start=1)
    ]
    if traced.error is not None:
        return failure(traced.error), steps
    return Result(True, traced.value), steps


# --- Computed fields ---------------------------------------------------------------------------


@dataclass(frozen=True)
class ConditionRule:
    """What evaluation needs of a FieldCondition."""

    id: str
    field: str
    expression: Any
    priority: int
    instance_level: bool
    order: Any = 0  # a stable tie-breaker, e.g. the creation time


@dataclass
class ComputedFields:
    values: dict[str, Any] = field(default_factory=dict)
    # Per field, the errors of the conditions that failed before one succeeded (or all did).
    errors: dict[str, list[str]] = field(default_factory=dict)
    decided_by: dict[str, str] = field(default_factory=dict)


def precedence(rule: ConditionRule) -> tuple[Any, ...]:
    """Highest priority first; at equal priority an instance condition beats a type-wide one,
    then the older one wins."""
    return (-rule.priority, not rule.instance_level, rule.order, rule.id)


def compute_fields(rules: Iterable[ConditionRule], context: Mapping[str, Any]) -> ComputedFields:
    by_field: dict[str, list[ConditionRule]] = {}
    for rule in rules:
        by_field.setdefault(rule.field, []).append(rule)
    out = ComputedFields()
    for name, candidates in sorted(by_field.items()):
        for rule in sorted(candidates, key=precedence):
            result = evaluate(rule.expression, context)
            if result.success:
                out.values[name] = result.value
                out.decided_by[name] = rule.id
                break
            out.errors.setdefault(name, []).append(f"condition {rule.id}: {result.error}")
    return out


# --- State variables ---------------------------------------------------------------------------

TYPE_CHECKS = {
    "string": lambda v: isinstance(v, str),
    "integer": lambda v: isinstance(v, int) and not isinstance(v, bool),
    "float": lambda v: isinstance(v, int | float) and not isinstance(v, bool) and math.isfinite(v),
    "boolean": lambda v: isinstance(v, bool),
    "json": lambda v: True,
}


def fits_type(kind: str, value: Any) -> bool:
    check = TYPE_CHECKS.get(kind)
    return check is not None and check(value)


@dataclass(frozen=True)
class VariableRule:
    id: str
    key: str
    type: str
    value: Any = None
    formula: Any = None


def variable_graph(variables: Iterable[VariableRule]) -> DependencyGraph:
    """Variables of one scope: a derived variable depends on the keys its formula reads."""
    graph = DependencyGraph()
    by_key = {v.key: v for v in variables}
    for variable in by_key.values():
        graph.add_node(Node(f"VARIABLE:{variable.id}", "VARIABLE", variable.id, variable.key))
    for variable in by_key.values():
        if variable.type != "derived":
            continue
        for key in sorted(variable_keys(variable.formula)):
            if key in by_key:
                graph.add_edge(
                    Edge(f"VARIABLE:{variable.id}", f"VARIABLE:{by_key[key].id}", "READS")
                )
    return graph


def evaluate_variables(
    variables: Iterable[VariableRule], context: Mapping[str, Any]
) -> dict[str, Result]:
    """Every variable's value by key, derived ones in dependency order; each derived formula
    sees ``var.<key>`` for the values computed before it. A variable on a cycle fails."""
    variables = list(variables)
    by_id = {v.id: v for v in variables}
    graph = variable_graph(variables)
    order, unsortable = graph.evaluation_order()
    values: dict[str, Any] = {}
    results: dict[str, Result] = {}
    for node_id in order:
        variable = by_id[graph.nodes[node_id].entity_id]
        if variable.type != "derived":
            result = Result(True, variable.value)
        else:
            result = evaluate(variable.formula, {**context, "var": dict(values)})
        results[variable.key] = result
        if result.success:
            values[variable.key] = result.value
    for node_id in unsortable:
        variable = by_id[graph.nodes[node_id].entity_id]
        results[variable.key] = Result(False, None, "the formula depends on itself (a cycle)")
    return results
