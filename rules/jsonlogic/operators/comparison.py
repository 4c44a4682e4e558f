"""``==`` ``!=`` (loose), ``===`` ``!==`` (strict), ``<`` ``<=`` ``>`` ``>=`` and ``between``.

Rules nearly always compare a variable with a literal, so each operator gets a closure specialised
for a literal string or number operand that settles the common same-type case inline and falls back
to the full JavaScript algorithm otherwise.
"""

from collections.abc import Callable, Sequence
from typing import Any

from rules.jsonlogic.coercion import is_number, less_equal, less_than, loose_equals, strict_equals
from rules.jsonlogic.nodes import BuildContext, Evaluator, Node
from rules.jsonlogic.registry import Operator
from rules.jsonlogic.values import UNDEFINED

Comparison = Callable[[Any, Any], bool]


def _with_literal_last(args: Sequence[Node]) -> tuple[Node, Node]:
    """Equality is symmetric, so move a literal operand to the right where the fast paths look."""
    left, right = args
    if left.constant and not right.constant:
        return right, left
    return left, right


def _loose_equality(positive: bool) -> Operator:
    def slow(left: Any, right: Any) -> bool:
        return loose_equals(left, right) is positive

    def build(args: Sequence[Node], _context: BuildContext) -> Evaluator:
        variable, literal = _with_literal_last(args)
        operand = variable.evaluate
        if literal.constant and type(literal.value) is str:
            text = literal.value

            def equals_text(data: Any) -> bool:
                value = operand(data)
                if type(value) is str:
                    return (value == text) is positive
                return slow(value, text)

            return equals_text
        if literal.constant and is_number(literal.value):
            number = literal.value

            def equals_number(data: Any) -> bool:
                value = operand(data)
                kind = type(value)
                if kind is int or kind is float:
                    return (value == number) is positive
                return slow(value, number)

            return equals_number
        other = literal.evaluate
        return lambda data: slow(operand(data), other(data))

    return Operator(build, min_args=2, max_args=2)


def _strict_equality(positive: bool) -> Operator:
    def build(args: Sequence[Node], _context: BuildContext) -> Evaluator:
        variable, literal = _with_literal_last(args)
        operand = variable.evaluate
        if literal.constant and type(literal.value) is str:
            text = literal.value
            return lambda data: (operand(data) == text) is positive
        if literal.constant and is_number(literal.value):
            number = literal.value

            def equals_number(data: Any) -> bool:
                value = operand(data)
                kind = type(value)
                return ((kind is int or kind is float) and value == number) is positive

            return equals_number
        other = literal.evaluate
        return lambda data: strict_equals(operand(data), other(data)) is positive

    return Operator(build, min_args=2, max_args=2)


def _less_than_number(operand: Evaluator, number: int | float) -> Evaluator:
    def run(data: Any) -> bool:
        value = operand(data)
        kind = type(value)
        if kind is int or kind is float:
            return value < number
        return less_than(value, number)

    return run


def _less_equal_number(operand: Evaluator, number: int | float) -> Evaluator:
    def run(data: Any) -> bool:
        value = operand(data)
        kind = type(value)
        if kind is int or kind is float:
            return value <= number
        return less_equal(value, number)

    return run


def _greater_than_number(operand: Evaluator, number: int | float) -> Evaluator:
    def run(data: Any) -> bool:
        value = operand(data)
        kind = type(value)
        if kind is int or kind is float:
            return value > number
        return less_than(number, value)

    return run


def _greater_equal_number(operand: Evaluator, number: int | float) -> Evaluator:
    def run(data: Any) -> bool:
        value = operand(data)
        kind = type(value)
        if kind is int or kind is float:
            return value >= number
        return less_equal(number, value)

    return run


def _greater_than(left: Any, right: Any) -> bool:
    return less_than(right, left)


def _greater_equal(left: Any, right: Any) -> bool:
    return less_equal(right, left)


_AGAINST_NUMBER: dict[str, Callable[[Evaluator, int | float], Evaluator]] = {
    "<": _less_than_number,
    "<=": _less_equal_number,
    ">": _greater_than_number,
    ">=": _greater_equal_number,
}
_MIRRORED = {"<": ">", "<=": ">=", ">": "<", ">=": "<="}
_COMPARISONS: dict[str, Comparison] = {
    "<": less_than,
    "<=": less_equal,
    ">": _greater_than,
    ">=": _greater_equal,
}


def _chained(compare: Comparison, args: Sequence[Node]) -> Evaluator:
    """``{"<": [a, b, c]}``: ``a < b && b < c``, or just ``a < b`` if ``c`` is undefined."""
    low, middle, high = (arg.evaluate for arg in args)

    def run(data: Any) -> bool:
        first, second, third = low(data), middle(data), high(data)
        if third is UNDEFINED:
            return compare(first, second)
        return compare(first, second) and compare(second, third)

    return run


def _relational(symbol: str) -> Operator:
    compare = _COMPARISONS[symbol]

    def build(args: Sequence[Node], _context: BuildContext) -> Evaluator:
        if len(args) == 3:
            return _chained(compare, args)
        left, right = args
        if right.constant and is_number(right.value):
            return _AGAINST_NUMBER[symbol](left.evaluate, right.value)
        if left.constant and is_number(left.value):
            return _AGAINST_NUMBER[_MIRRORED[symbol]](right.evaluate, left.value)
        first, second = left.evaluate, right.evaluate
        return lambda data: compare(first(data), second(data))

    chains = symbol in ("<", "<=")
    return Operator(build, min_args=2, max_args=3 if chains else 2)


def _build_between(args: Sequence[Node], _context: BuildContext) -> Evaluator:
    """``{"between": [x, low, high]}``: ``low <= x <= high`` with JavaScript ``<=`` coercion."""
    value, low, high = (arg.evaluate for arg in args)

    def run(data: Any) -> bool:
        subject = value(data)
        return less_equal(low(data), subject) and less_equal(subject, high(data))

    return run


OPERATORS: dict[str, Operator] = {
    "==": _loose_equality(positive=True),
    "!=": _loose_equality(positive=False),
    "===": _strict_equality(positive=True),
    "!==": _strict_equality(positive=False),
    "<": _relational("<"),
    "<=": _relational("<="),
    ">": _relational(">"),
    ">=": _relational(">="),
}

CUSTOM_OPERATORS: dict[str, Operator] = {
    "between": Operator(_build_between, min_args=3, max_args=3),
}
