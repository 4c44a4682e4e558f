"""Compilation of a JSON rule into a tree of closures, and the resulting :class:`CompiledRule`."""

from collections.abc import Callable
from typing import Any, Final

from rules.jsonlogic import paths
from rules.jsonlogic.errors import (
    EvaluationError,
    JsonLogicError,
    LimitExceededError,
    MalformedRuleError,
    UnknownOperatorError,
)
from rules.jsonlogic.limits import Limits, budget
from rules.jsonlogic.nodes import BuildContext, Evaluator, Node, constant_evaluator
from rules.jsonlogic.registry import OperatorRegistry
from rules.jsonlogic.trace import (
    Recorder,
    TraceResult,
    current_recorder,
    traced_operation,
    traced_value,
)
from rules.jsonlogic.values import UNDEFINED, JsonValue, to_json
from rules.jsonlogic.variables import extract_variables

_NOT_FOLDED: Final = object()


class _Compiler:
    """One pass over a rule: checks structure and limits, then builds each node bottom-up.

    With ``tracing`` every node is wrapped to record a :class:`~rules.jsonlogic.trace.TraceStep` and
    literals are not marked constant, which turns off constant folding and operator fast paths.
    """

    def __init__(self, registry: OperatorRegistry, limits: Limits, *, tracing: bool) -> None:
        self._registry = registry
        self._limits = limits
        self._tracing = tracing
        self._nodes = 0

    def compile(self, rule: JsonValue) -> Node:
        return self._node(rule, paths.ROOT, 1, in_loop=False)

    def _node(self, rule: JsonValue, path: str, depth: int, *, in_loop: bool) -> Node:
        self._nodes += 1
        if self._nodes > self._limits.max_nodes:
            raise LimitExceededError(f"rule has more than {self._limits.max_nodes} nodes", path)
        if type(rule) is dict and len(rule) == 1:
            return self._operation(rule, path, depth, in_loop=in_loop)
        if type(rule) is list:
            return self._array(rule, path, depth, in_loop=in_loop)
        return self._literal(rule)

    def _check_depth(self, depth: int, path: str) -> None:
        if depth > self._limits.max_depth:
            raise LimitExceededError(
                f"rule is nested deeper than {self._limits.max_depth} levels", path
            )

    def _literal(self, value: JsonValue) -> Node:
        """Scalars, and objects without exactly one key, which JSONLogic treats as plain data."""
        evaluate = constant_evaluator(value)
        if self._tracing:
            return Node(traced_value(evaluate, has_children=False), size=1)
        return Node(evaluate, size=1, constant=True, value=value)

    def _array(self, items: list[Any], path: str, depth: int, *, in_loop: bool) -> Node:
        self._check_depth(depth, path)
        elements = [
            self._node(item, paths.index(path, position), depth + 1, in_loop=in_loop)
            for position, item in enumerate(items)
        ]
        size = 1 + sum(element.size for element in elements)
        if all(element.constant for element in elements):
            value = [element.value for element in elements]
            return Node(constant_evaluator(value), size=1, constant=True, value=value)
        evaluators = tuple(element.evaluate for element in elements)

        def evaluate(data: Any) -> list[Any]:
            return [element(data) for element in evaluators]

        evaluator: Evaluator = evaluate
        if self._tracing:
            evaluator = traced_value(evaluate, has_children=True)
        return Node(evaluator, size, iterates=any(element.iterates for element in elements))

    def _operation(self, rule: dict[str, Any], path: str, depth: int, *, in_loop: bool) -> Node:
        ((name, raw_args),) = rule.items()
        key_path = paths.member(path, name)
        operator = self._registry.get(name)
        if operator is None:
            raise UnknownOperatorError(name, key_path)
        self._check_depth(depth, path)
        # json-logic-js accepts a lone argument without the array: {"!": true} is {"!": [true]}.
        if type(raw_args) is list:
            items = raw_args
            arg_paths = [paths.index(key_path, position) for position in range(len(items))]
        else:
            items = [raw_args]
            arg_paths = [key_path]
        problem = operator.arity_error(len(items))
        if problem is not None:
            raise MalformedRuleError(f"{name} {problem}", key_path)
        args = [
            self._node(
                item,
                arg_path,
                depth + 1,
                in_loop=in_loop or position in operator.scoped_args,
            )
            for position, (item, arg_path) in enumerate(zip(items, arg_paths, strict=True))
        ]
        evaluate = operator.build(args, BuildContext(name, key_path, in_loop))
        size = 1 + sum(arg.size for arg in args)
        iterates = operator.iterates or any(arg.iterates for arg in args)
        if self._tracing:
            return Node(traced_operation(evaluate, name, path), size, iterates=iterates)
        if operator.foldable and all(arg.constant for arg in args):
            value = _fold(evaluate)
            if value is not _NOT_FOLDED:
                return Node(constant_evaluator(value), size=1, constant=True, value=value)
        return Node(evaluate, size, iterates=iterates)


def _fold(evaluate: Evaluator) -> Any:
    """Evaluate a call on literals once; if it fails, leave the failure to evaluation time."""
    try:
        return evaluate(None)
    except Exception:
        return _NOT_FOLDED


def _wrap_failure(error: Exception) -> EvaluationError:
    wrapped = EvaluationError(f"{type(error).__name__}: {error}")
    wrapped.__cause__ = error
    return wrapped


class CompiledRule:
    """A rule compiled once and evaluated many times; safe to share between threads.

    ``evaluate(data=None)`` returns the rule's value for ``data`` as json-logic-js's ``apply``
    computes it, in JSON form. ``variables`` are the data paths the rule reads that are known
    without running it (see :mod:`rules.jsonlogic.variables`); ``has_dynamic_variables`` is set when
    some read is computed at run time or takes the whole data, so ``variables`` alone is not the
    full dependency set.
    """

    __slots__ = (
        "_limits",
        "_registry",
        "_rule",
        "_traced",
        "canonical",
        "evaluate",
        "has_dynamic_variables",
        "variables",
    )

    evaluate: Callable[..., JsonValue]
    """``evaluate(data=None)``; a per-rule closure rather than a method, to keep calls cheap."""

    def __init__(
        self, rule: JsonValue, canonical: str, registry: OperatorRegistry, limits: Limits
    ) -> None:
        root = _Compiler(registry, limits, tracing=False).compile(rule)
        if root.size > limits.max_steps:
            raise LimitExceededError(
                f"rule needs {root.size} steps, more than the limit of {limits.max_steps}",
                paths.ROOT,
            )
        self.canonical = canonical
        self.variables, self.has_dynamic_variables = extract_variables(rule, registry)
        self.evaluate = _entry_point(root, limits)
        self._rule = rule
        self._registry = registry
        self._limits = limits
        self._traced: Node | None = None

    def __repr__(self) -> str:
        return f"CompiledRule({self.canonical})"

    def trace(self, data: JsonValue = None) -> TraceResult:
        """Evaluate while recording every operator; errors go into the result, not raised."""
        if self._traced is None:
            self._traced = _Compiler(self._registry, self._limits, tracing=True).compile(self._rule)
        traced = self._traced
        recorder = Recorder()
        saved = budget.steps
        budget.steps = [self._limits.max_steps - traced.size, self._limits.max_steps]
        recorder_token = current_recorder.set(recorder)
        value: JsonValue = None
        error: JsonLogicError | None = None
        try:
            value = to_json(traced.evaluate(data))
        except JsonLogicError as failure:
            error = failure
        except Exception as failure:
            error = _wrap_failure(failure)
        finally:
            current_recorder.reset(recorder_token)
            budget.steps = saved
        return TraceResult(value, tuple(recorder.steps), error)


def _entry_point(root: Node, limits: Limits) -> Callable[..., JsonValue]:
    """The public ``evaluate``: JSON result, wrapped errors, and a step budget if the rule loops."""
    if (
        root.constant
        and type(root.value) not in (list, dict, float)
        and root.value is not UNDEFINED
    ):
        value = root.value
        return lambda data=None: value
    run = root.evaluate

    def evaluate(data: JsonValue = None) -> JsonValue:
        try:
            result = run(data)
        except JsonLogicError:
            raise
        except Exception as error:
            raise _wrap_failure(error) from error
        kind = type(result)
        if kind is float or kind is list or result is UNDEFINED:
            return to_json(result)
        return result

    if not root.iterates:
        return evaluate
    max_steps, loop_steps = limits.max_steps, limits.max_steps - root.size

    # Same body as `evaluate` rather than a wrapper around it: one call less per evaluation.
    def evaluate_with_budget(data: JsonValue = None) -> JsonValue:
        saved = budget.steps
        budget.steps = [loop_steps, max_steps]
        try:
            result = run(data)
        except JsonLogicError:
            raise
        except Exception as error:
            raise _wrap_failure(error) from error
        finally:
            budget.steps = saved
        kind = type(result)
        if kind is float or kind is list or result is UNDEFINED:
            return to_json(result)
        return result

    return evaluate_with_budget
