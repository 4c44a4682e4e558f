"""``+ - * / %``, ``min``/``max`` (json-logic-js) and ``abs round floor ceil clamp`` (ours).

json-logic-js converts with ``parseFloat`` in ``+``/``*`` (``"3 apples"`` → 3, ``null`` → NaN) but
with ``Number()`` in ``-``, ``/``, ``%``, ``min``, ``max`` (``null`` → 0); both are reproduced.
Integer products beyond 2**53 become doubles, as in JavaScript: a chain of products never grows
into a huge integer.
"""

import math
from collections.abc import Sequence
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from rules.jsonlogic.coercion import INFINITY, NAN, parse_float, to_number
from rules.jsonlogic.nodes import BuildContext, Evaluator, Node
from rules.jsonlogic.registry import Eager, Operator
from rules.jsonlogic.values import MAX_SAFE_INTEGER, UNDEFINED

_MAX_ROUNDING_PLACES = 15
_MIN_SAFE_INTEGER = -MAX_SAFE_INTEGER


def _build_plus(args: Sequence[Node], _context: BuildContext) -> Evaluator:
    evaluators = tuple(arg.evaluate for arg in args)
    if len(evaluators) == 2:
        first, second = evaluators

        def add_two(data: Any) -> int | float:
            left, right = first(data), second(data)
            kind = type(left)
            if kind is not int and kind is not float:
                left = parse_float(left)
            kind = type(right)
            if kind is not int and kind is not float:
                right = parse_float(right)
            return left + right

        return add_two

    def add(data: Any) -> int | float:
        total: int | float = 0
        for evaluate in evaluators:
            value = evaluate(data)
            kind = type(value)
            total += value if kind is int or kind is float else parse_float(value)
        return total

    return add


def _as_double(product: int) -> int | float:
    """An integer product as JavaScript holds it: exact up to 2**53, else the nearest double (the
    correctly rounded product of the operands, which is what IEEE multiplication yields)."""
    if -MAX_SAFE_INTEGER <= product <= MAX_SAFE_INTEGER:
        return product
    try:
        return float(product)
    except OverflowError:
        return INFINITY if product > 0 else -INFINITY


def _build_times(args: Sequence[Node], _context: BuildContext) -> Evaluator:
    evaluators = tuple(arg.evaluate for arg in args)
    if len(evaluators) == 1:
        # json-logic-js reduces without an initial value, which hands a lone operand back as is.
        return evaluators[0]

    if len(evaluators) == 2:
        first, second = evaluators

        def multiply_two(data: Any) -> int | float:
            left, right = first(data), second(data)
            kind = type(left)
            if kind is not int and kind is not float:
                left = parse_float(left)
            kind = type(right)
            if kind is not int and kind is not float:
                right = parse_float(right)
            product = left * right
            if type(product) is int and (product > MAX_SAFE_INTEGER or product < _MIN_SAFE_INTEGER):
                return _as_double(product)
            return product

        return multiply_two

    head, rest = evaluators[0], evaluators[1:]

    def multiply(data: Any) -> int | float:
        product = parse_float(head(data))
        for evaluate in rest:
            product *= parse_float(evaluate(data))
            if type(product) is int and (product > MAX_SAFE_INTEGER or product < _MIN_SAFE_INTEGER):
                product = _as_double(product)
        return product

    return multiply


def _build_minus(args: Sequence[Node], _context: BuildContext) -> Evaluator:
    first = args[0].evaluate
    if len(args) == 1:
        return lambda data: -to_number(first(data))
    second = args[1].evaluate

    def subtract(data: Any) -> int | float:
        left, right = first(data), second(data)
        if right is UNDEFINED:
            return -to_number(left)
        return to_number(left) - to_number(right)

    return subtract


def divide(left: Any, right: Any) -> int | float:
    dividend, divisor = to_number(left), to_number(right)
    if divisor == 0:
        if dividend == 0 or dividend != dividend:
            return NAN
        negative = (dividend < 0) != (math.copysign(1.0, divisor) < 0)
        return -INFINITY if negative else INFINITY
    return dividend / divisor


def remainder(left: Any, right: Any) -> int | float:
    """JavaScript ``%``: the sign of the dividend (Python's ``%`` takes the divisor's)."""
    dividend, divisor = to_number(left), to_number(right)
    if type(dividend) is int and type(divisor) is int:
        if divisor == 0:
            return NAN
        magnitude = abs(dividend) % abs(divisor)
        return -magnitude if dividend < 0 else magnitude
    if divisor == 0 or dividend != dividend or divisor != divisor:
        return NAN
    if dividend in (INFINITY, -INFINITY):
        return NAN
    return math.fmod(dividend, divisor)


def _build_remainder(args: Sequence[Node], _context: BuildContext) -> Evaluator:
    first, second = args[0].evaluate, args[1].evaluate

    def remainder_of(data: Any) -> int | float:
        left, right = first(data), second(data)
        if type(left) is int and type(right) is int and left >= 0 and right > 0:
            return left % right
        return remainder(left, right)

    return remainder_of


def minimum(*values: Any) -> int | float:
    """``Math.min``: no arguments give Infinity, any NaN gives NaN."""
    numbers = [to_number(value) for value in values]
    if not numbers:
        return INFINITY
    if any(number != number for number in numbers):
        return NAN
    return min(numbers)


def maximum(*values: Any) -> int | float:
    numbers = [to_number(value) for value in values]
    if not numbers:
        return -INFINITY
    if any(number != number for number in numbers):
        return NAN
    return max(numbers)


def absolute(value: Any) -> int | float:
    return abs(to_number(value))


def _is_finite(number: int | float) -> bool:
    return type(number) is int or math.isfinite(number)


def floor(value: Any) -> int | float:
    number = to_number(value)
    return math.floor(number) if _is_finite(number) else number


def ceil(value: Any) -> int | float:
    number = to_number(value)
    return math.ceil(number) if _is_finite(number) else number


def round_half_away(value: Any, places: Any = 0) -> int | float:
    """Round half away from zero at ``places`` decimals (negative: tens, hundreds…).

    Decimal arithmetic on the shortest repr makes ``round(2.675, 2)`` give the 2.68 a person expects
    (Python's ``round`` says 2.67, JavaScript's ``Math.round`` rounds -2.5 to -2).
    """
    number = to_number(value)
    digits = to_number(places)
    if type(digits) is float and digits.is_integer():
        digits = int(digits)
    if type(digits) is not int or abs(digits) > _MAX_ROUNDING_PLACES:
        raise ValueError(f"places must be an integer from -15 to 15, got {places!r}")
    if not _is_finite(number) or abs(number) >= MAX_SAFE_INTEGER:
        return number
    if type(number) is int and digits >= 0:
        return number
    exact = Decimal(repr(number)) if type(number) is float else Decimal(number)
    rounded = exact.quantize(Decimal(1).scaleb(-digits), rounding=ROUND_HALF_UP)
    return int(rounded) if digits <= 0 else float(rounded)


def clamp(value: Any, low: Any, high: Any) -> int | float:
    number, lowest, highest = to_number(value), to_number(low), to_number(high)
    if lowest > highest:
        raise ValueError(f"low bound {lowest} is greater than high bound {highest}")
    if number != number or lowest != lowest or highest != highest:
        return NAN
    return min(max(number, lowest), highest)


OPERATORS: dict[str, Operator] = {
    "+": Operator(_build_plus),
    "-": Operator(_build_minus, min_args=1, max_args=2),
    "*": Operator(_build_times, min_args=1),
    "/": Operator(Eager(divide), min_args=2, max_args=2),
    "%": Operator(_build_remainder, min_args=2, max_args=2),
    "min": Operator(Eager(minimum)),
    "max": Operator(Eager(maximum)),
}

CUSTOM_OPERATORS: dict[str, Operator] = {
    "abs": Operator(Eager(absolute), min_args=1, max_args=1),
    "floor": Operator(Eager(floor), min_args=1, max_args=1),
    "ceil": Operator(Eager(ceil), min_args=1, max_args=1),
    "round": Operator(Eager(round_half_away, guarded=True), min_args=1, max_args=2),
    "clamp": Operator(Eager(clamp, guarded=True), min_args=3, max_args=3),
}
