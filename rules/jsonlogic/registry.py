"""Operator definitions and the immutable registry a rule is compiled against."""

from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from rules.jsonlogic.errors import EvaluationError
from rules.jsonlogic.nodes import BuildContext, Builder, Evaluator, Node
from rules.jsonlogic.values import UNDEFINED


@dataclass(frozen=True, slots=True)
class Operator:
    """How to compile one operator.

    ``foldable`` operators are pure and never read the data, so a call whose arguments are all
    literals is evaluated once at compile time. ``scoped_args`` are positions evaluated against each
    item of a collection rather than against the rule's data (the body of ``map`` & co.).
    ``budgeted`` marks loops and operators that build strings or arrays: a rule holding one runs
    with the budgets of :mod:`rules.jsonlogic.limits`.
    """

    build: Builder
    min_args: int = 0
    max_args: int | None = None
    foldable: bool = True
    scoped_args: frozenset[int] = field(default_factory=frozenset)
    budgeted: bool = False

    def arity_error(self, count: int) -> str | None:
        if self.min_args <= count and (self.max_args is None or count <= self.max_args):
            return None
        if self.max_args is None:
            expected = f"at least {self.min_args}"
        elif self.min_args == self.max_args:
            expected = str(self.min_args)
        else:
            expected = f"{self.min_args} to {self.max_args}"
        noun = "argument" if expected == "1" else "arguments"
        return f"expects {expected} {noun}, got {count}"


@dataclass(frozen=True, slots=True)
class Eager:
    """Builder for a plain function of the evaluated arguments (json-logic-js's operator style).

    With ``guarded``, a ``ValueError``/``ArithmeticError`` from the function becomes an
    :class:`EvaluationError` naming the operator and its path: how custom operators reject garbage.
    A dataclass rather than a closure so that wrapping the same function twice gives equal
    operators, and registries extended with the same functions share compile-cache entries.
    """

    function: Callable[..., Any]
    guarded: bool = False

    def __call__(self, args: Sequence[Node], context: BuildContext) -> Evaluator:
        evaluate = self._unguarded(tuple(arg.evaluate for arg in args))
        if not self.guarded:
            return evaluate

        def guarded(data: Any) -> Any:
            try:
                return evaluate(data)
            except (ValueError, ArithmeticError) as error:
                raise EvaluationError(f"{context.operator}: {error}", context.path) from error

        return guarded

    def _unguarded(self, evaluators: tuple[Evaluator, ...]) -> Evaluator:
        function = self.function
        if not evaluators:
            return lambda _data: function()
        if len(evaluators) == 1:
            (only,) = evaluators
            return lambda data: function(only(data))
        if len(evaluators) == 2:
            first, second = evaluators
            return lambda data: function(first(data), second(data))
        return lambda data: function(*[evaluate(data) for evaluate in evaluators])


@dataclass(frozen=True, slots=True)
class _JsonArguments:
    """Calls a caller's function with JSON values: ``undefined`` arrives as ``None``."""

    function: Callable[..., Any]

    def __call__(self, *values: Any) -> Any:
        return self.function(*[None if value is UNDEFINED else value for value in values])


def from_function(function: Callable[..., Any]) -> Operator:
    """An operator for a caller's function; it is never constant-folded (it may be impure)."""
    return Operator(build=Eager(_JsonArguments(function), guarded=True), foldable=False)


class OperatorRegistry(Mapping[str, Operator]):
    """An immutable name → :class:`Operator` table; equal tables hash alike (compile cache key)."""

    __slots__ = ("_hash", "_operators")

    def __init__(self, operators: Mapping[str, Operator]) -> None:
        self._operators = dict(operators)
        self._hash = hash(frozenset(self._operators.items()))

    def __getitem__(self, name: str) -> Operator:
        return self._operators[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._operators)

    def __len__(self) -> int:
        return len(self._operators)

    def __hash__(self) -> int:
        return self._hash

    def __eq__(self, other: object) -> bool:
        if not isinstance(other, OperatorRegistry):
            return NotImplemented
        return self._operators == other._operators

    def extended(self, extra: Mapping[str, "Operator | Callable[..., Any]"]) -> "OperatorRegistry":
        """A new registry with ``extra`` added; built-in operators cannot be replaced."""
        clashes = sorted(set(extra) & set(self._operators))
        if clashes:
            raise ValueError(f"cannot redefine operators: {', '.join(clashes)}")
        added = {
            name: entry if isinstance(entry, Operator) else from_function(entry)
            for name, entry in extra.items()
        }
        return OperatorRegistry({**self._operators, **added})
