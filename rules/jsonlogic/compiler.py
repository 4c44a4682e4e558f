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
from rules.jsonlogic.limits import (
    MAX_UNBUDGETED_SIZE,
    Limits,
    budget,
    fresh,
    json_size,
)
from rules.jsonlogic.nodes import (
    BuildContext,
    Evaluator,
    Node,
    constant_evaluator,
    literal_size,
)
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
        return self._node(rule, paths.ROOT, 1)

    def _node(self, rule: JsonValue, path: str, depth: int) -> Node:
        self._nodes += 1
        if self._nodes > self._limits.max_nodes:
            raise LimitExceededError(
                f"rule has more than {self._limits.max_nodes} nodes", path, limit="max_nodes"
            )
        if type(rule) is dict and len(rule) == 1:
            return self._operation(rule, path, depth)
        if type(rule) is list:
            return self._array(rule, path, depth)
        return self._literal(rule)

    def _check_depth(self, depth: int, path: str) -> None:
        if depth > self._limits.max_depth:
            raise LimitExceededError(
                f"rule is nested deeper than {self._limits.max_depth} levels",
                path,
                limit="max_depth",
            )

    def _literal(self, value: JsonValue) -> Node:
        """Scalars, and objects without exactly one key, which JSONLogic treats as plain data."""
        evaluate = constant_evaluator(value)
        size = literal_size(value)
        if self._tracing:
            return Node(traced_value(evaluate, has_children=False), size)
        return Node(evaluate, size, constant=True, value=value)

    def _array(self, items: list[Any], path: str, depth: int) -> Node:
        self._check_depth(depth, path)
        elements = [
            self._node(item, paths.index(path, position), depth + 1)
            for position, item in enumerate(items)
        ]
        if all(element.constant for element in elements):
            value = [element.value for element in elements]
            return Node(constant_evaluator(value), literal_size(value), constant=True, value=value)
        evaluators = tuple(element.evaluate for element in elements)

        # One element per element node: bounded by the steps, so not charged as built.
        def evaluate(data: Any) -> list[Any]:
            return [element(data) for element in evaluators]

        evaluator: Evaluator = evaluate
        if self._tracing:
            evaluator = traced_value(evaluate, has_children=True)
        size = 1 + sum(element.size for element in elements)
        return Node(evaluator, size, budgeted=any(element.budgeted for element in elements))

    def _operation(self, rule: dict[str, Any], path: str, depth: int) -> Node:
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
            self._node(item, arg_path, depth + 1)
            for item, arg_path in zip(items, arg_paths, strict=True)
        ]
        evaluate = operator.build(args, BuildContext(name, key_path))
        size = 1 + sum(arg.size for arg in args)
        budgeted = operator.budgeted or any(arg.budgeted for arg in args)
        if self._tracing:
            return Node(traced_operation(evaluate, name, path), size, budgeted=budgeted)
        if operator.foldable and all(arg.constant for arg in args):
            value = _fold(evaluate)
            if value is not _NOT_FOLDED:
                return Node(
                    constant_evaluator(value), literal_size(value), constant=True, value=value
                )
        return Node(evaluate, size, budgeted=budgeted)


def _fold(evaluate: Evaluator) -> Any:
    """Evaluate a call on literals once; if it fails, leave the failure to evaluation time."""
    try:
        return evaluate(None)
    except Exception:
        return _NOT_FOLDED


def _wrap_failure(error: Exception) -> JsonLogicError:
    wrapped: JsonLogicError
    if isinstance(error, RecursionError):
        # Values nested by a loop (a reduce wrapping its accumulator) can outrun Python's stack.
        wrapped = LimitExceededError(
            "evaluation nested values too deeply to follow", limit="max_depth"
        )
    else:
        wrapped = EvaluationError(f"{type(error).__name__}: {error}")
    wrapped.__cause__ = error
    return wrapped


def _finished(result: Any, limits: Limits) -> JsonValue:
    """The JSON form of a result, refused if it is larger than ``max_result`` or too deep."""
    kind = type(result)
    if kind is list:
        # The usual array: strings and whole numbers, measured and found JSON-ready in one pass.
        size = len(result)
        for item in result:
            item_kind = type(item)
            if item_kind is str:
                size += len(item)
            elif item_kind is not int and item_kind is not bool and item is not None:
                break
        else:
            if size <= limits.max_result:
                return result
    elif kind is float:
        return to_json(result)
    if kind is list or kind is dict or kind is str:
        size = json_size(result, limits.max_result, limits.max_depth, "result")
        if size > limits.max_result:
            raise LimitExceededError(
                f"result exceeds the limit of {limits.max_result} characters and elements",
                limit="max_result",
            )
    if kind is list or result is UNDEFINED:
        return to_json(result)
    return result


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
                limit="max_steps",
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
        recorder = Recorder(self._limits)
        current = budget.current
        saved = current[0]
        current[0] = fresh(self._limits, traced.size)
        recorder_token = current_recorder.set(recorder)
        value: JsonValue = None
        error: JsonLogicError | None = None
        try:
            value = _finished(traced.evaluate(data), self._limits)
        except JsonLogicError as failure:
            error = failure
        except Exception as failure:
            error = _wrap_failure(failure)
        finally:
            current_recorder.reset(recorder_token)
            current[0] = saved
        return TraceResult(value, tuple(recorder.steps), error)


def _entry_point(root: Node, limits: Limits) -> Callable[..., JsonValue]:
    """The public ``evaluate``: JSON result within the limits, wrapped errors, and the run-time
    budgets if the rule loops, builds, or is too large to go without them."""
    run = root.evaluate
    max_result = limits.max_result
    if root.constant and type(root.value) is not list and type(root.value) is not dict:
        value = to_json(root.value)
        if type(value) is not str or len(value) <= max_result:
            return lambda data=None: value

    def evaluate(data: JsonValue = None) -> JsonValue:
        try:
            result = run(data)
        except JsonLogicError:
            raise
        except Exception as error:
            raise _wrap_failure(error) from error
        kind = type(result)
        if kind is bool or kind is int or result is None:
            return result
        if kind is str and len(result) <= max_result:
            return result
        return _finished(result, limits)

    if not root.budgeted and root.size <= MAX_UNBUDGETED_SIZE:
        return evaluate
    steps, max_steps, built, max_built = fresh(limits, root.size)

    # Same body as `evaluate` rather than a wrapper around it: one call less per evaluation.
    def evaluate_with_budget(data: JsonValue = None) -> JsonValue:
        current = budget.current
        saved = current[0]
        current[0] = [steps, max_steps, built, max_built]
        try:
            result = run(data)
        except JsonLogicError:
            raise
        except Exception as error:
            raise _wrap_failure(error) from error
        finally:
            current[0] = saved
        kind = type(result)
        if kind is bool or kind is int or result is None:
            return result
        if kind is str and len(result) <= max_result:
            return result
        return _finished(result, limits)

    return evaluate_with_budget
