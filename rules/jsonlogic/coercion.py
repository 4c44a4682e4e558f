"""JavaScript's abstract operations on JSON values, as json-logic-js relies on them.

Numbers are Python ``int``/``float`` (``bool`` is never a number here: ``True`` is JavaScript
``true``). Conversions return ``int`` where JavaScript would read an integer literal, so results
read naturally (``"3"`` → ``3``); ``NaN`` and ``±Infinity`` are the float values.
"""

import math
import re
from decimal import Decimal
from typing import Any, Final

from rules.jsonlogic.limits import MAX_FREE_SCAN, charge, charge_built
from rules.jsonlogic.values import MAX_SAFE_INTEGER, UNDEFINED

NAN: Final = math.nan
INFINITY: Final = math.inf

# StrWhiteSpaceChar of ECMA-262 (WhiteSpace + LineTerminator); str.strip() would also drop
# U+001C..U+001F and U+0085, which JavaScript keeps.
_JS_WHITESPACE: Final = (
    "\t\n\v\f\r \u00a0\u1680\u2000\u2001\u2002\u2003\u2004\u2005\u2006\u2007\u2008\u2009\u200a"
    "\u2028\u2029\u202f\u205f\u3000\ufeff"
)
_DECIMAL_NUMBER = re.compile(
    r"[+-]?(?:Infinity|(?:[0-9]+\.?[0-9]*|\.[0-9]+)(?:[eE][+-]?[0-9]+)?)", re.ASCII
)
_INTEGER = re.compile(r"[+-]?[0-9]{1,15}", re.ASCII)
_RADIX_LITERALS: Final = {
    "0x": (16, re.compile(r"[0-9a-fA-F]+")),
    "0o": (8, re.compile(r"[0-7]+")),
    "0b": (2, re.compile(r"[01]+")),
}


def is_number(value: Any) -> bool:
    kind = type(value)
    return kind is int or kind is float


def truthy(value: Any) -> bool:
    """JSONLogic truthiness: JavaScript's, except that an empty array is false."""
    kind = type(value)
    if kind is dict:
        return True
    if kind is float:
        return value == value and value != 0.0
    return bool(value)


def _decimal_to_number(text: str) -> int | float:
    if _INTEGER.fullmatch(text):
        return int(text)
    unsigned = text.lstrip("+-")
    if unsigned == "Infinity":
        return -INFINITY if text[0] == "-" else INFINITY
    return float(text)


def string_to_number(text: str) -> int | float:
    """``Number(text)``: a whole-string decimal or unsigned 0x/0o/0b literal; blank is 0."""
    if len(text) > MAX_FREE_SCAN:
        charge(len(text))
    stripped = text.strip(_JS_WHITESPACE)
    if not stripped:
        return 0
    if _DECIMAL_NUMBER.fullmatch(stripped):
        return _decimal_to_number(stripped)
    radix_literal = _RADIX_LITERALS.get(stripped[:2].lower())
    if radix_literal is not None:
        radix, digits = radix_literal
        if digits.fullmatch(stripped, 2):
            return int(stripped[2:], radix)
    return NAN


def to_number(value: Any) -> int | float:
    """``Number(value)`` (what ``-``, ``/``, ``%``, ``<`` and ``==`` use)."""
    kind = type(value)
    if kind is int or kind is float:
        return value
    if kind is str:
        return string_to_number(value)
    if kind is bool:
        return int(value)
    if value is None:
        return 0
    if kind is list or kind is dict:
        return string_to_number(to_primitive(value))
    return NAN


def parse_float(value: Any) -> int | float:
    """``parseFloat(value)`` (what ``+`` and ``*`` use): the longest numeric prefix, else NaN."""
    kind = type(value)
    if kind is int or kind is float:
        return value
    text = value if kind is str else to_string(value)
    if len(text) > MAX_FREE_SCAN:
        charge(len(text))
    match = _DECIMAL_NUMBER.match(text.lstrip(_JS_WHITESPACE))
    if match is None:
        return NAN
    return _decimal_to_number(match.group())


def to_integer(value: Any) -> int | float:
    """``ToIntegerOrInfinity``: truncate toward zero, NaN → 0, infinities kept."""
    number = to_number(value)
    if type(number) is int:
        return number
    if number != number:
        return 0
    if number in (INFINITY, -INFINITY):
        return number
    return math.trunc(number)


def number_to_string(number: int | float) -> str:
    """``Number.prototype.toString()``: shortest round-trip digits in JavaScript's layout."""
    if type(number) is int and -MAX_SAFE_INTEGER <= number <= MAX_SAFE_INTEGER:
        return str(number)
    number = float(number)
    if number != number:
        return "NaN"
    if number in (INFINITY, -INFINITY):
        return "Infinity" if number > 0 else "-Infinity"
    if number == 0:
        return "0"
    sign = "-" if number < 0 else ""
    # repr() yields the shortest digits that round-trip, exactly the digits ECMA-262 asks for;
    # only the placement of the decimal point and exponent differs between the languages.
    _, digit_tuple, exponent = Decimal(repr(abs(number))).normalize().as_tuple()
    digits = "".join(map(str, digit_tuple))
    count = len(digits)
    point = count + int(exponent)
    if count <= point <= 21:
        body = digits + "0" * (point - count)
    elif 0 < point <= 21:
        body = f"{digits[:point]}.{digits[point:]}"
    elif -6 < point <= 0:
        body = f"0.{'0' * -point}{digits}"
    else:
        shift = point - 1
        mantissa = digits if count == 1 else f"{digits[0]}.{digits[1:]}"
        body = f"{mantissa}e{'+' if shift > 0 else '-'}{abs(shift)}"
    return sign + body


def join_array(items: list[Any]) -> str:
    """``Array.prototype.join(",")``: null and undefined elements become empty strings.

    The text is charged before it is joined: an array may hold the same long string (or array)
    many times over.
    """
    pieces = ["" if item is None or item is UNDEFINED else to_string(item) for item in items]
    charge_built(sum(map(len, pieces)) + len(pieces))
    return ",".join(pieces)


def to_string(value: Any) -> str:
    """``String(value)``."""
    kind = type(value)
    if kind is str:
        return value
    if kind is int or kind is float:
        return number_to_string(value)
    if kind is bool:
        return "true" if value else "false"
    if value is None:
        return "null"
    if kind is list:
        return join_array(value)
    if kind is dict:
        return "[object Object]"
    if value is UNDEFINED:
        return "undefined"
    return str(value)


def to_primitive(value: list[Any] | dict[str, Any]) -> str:
    """``ToPrimitive`` of an array or object, which for JSON values is always its string form."""
    return join_array(value) if type(value) is list else "[object Object]"


def loose_equals(left: Any, right: Any) -> bool:
    """JavaScript ``==`` (IsLooselyEqual) on JSON values; arrays and objects compare by identity."""
    left_kind, right_kind = type(left), type(right)
    if left_kind is right_kind:
        if left_kind is list or left_kind is dict:
            return left is right
        return left == right
    if left is None or left is UNDEFINED:
        return right is None or right is UNDEFINED
    if right is None or right is UNDEFINED:
        return False
    if left_kind is bool:
        return loose_equals(int(left), right)
    if right_kind is bool:
        return loose_equals(left, int(right))
    left_number = left_kind is int or left_kind is float
    right_number = right_kind is int or right_kind is float
    if left_number and right_number:
        return left == right
    if left_number and right_kind is str:
        return left == string_to_number(right)
    if left_kind is str and right_number:
        return string_to_number(left) == right
    if (left_kind is list or left_kind is dict) and (right_number or right_kind is str):
        return loose_equals(to_primitive(left), right)
    if (right_kind is list or right_kind is dict) and (left_number or left_kind is str):
        return loose_equals(left, to_primitive(right))
    return False


def strict_equals(left: Any, right: Any) -> bool:
    """JavaScript ``===``: no coercion (``1 === 1.0``, ``true !== 1``), containers by identity."""
    left_kind, right_kind = type(left), type(right)
    if left_kind is right_kind:
        if left_kind is list or left_kind is dict:
            return left is right
        return left == right
    if (left_kind is int or left_kind is float) and (right_kind is int or right_kind is float):
        return left == right
    return False


def _relational_operands(left: Any, right: Any) -> tuple[Any, Any]:
    """Both strings (compare as strings) or both numbers, as IsLessThan coerces them."""
    if type(left) is list or type(left) is dict:
        left = to_primitive(left)
    if type(right) is list or type(right) is dict:
        right = to_primitive(right)
    if type(left) is str and type(right) is str:
        return left, right
    return to_number(left), to_number(right)


def less_than(left: Any, right: Any) -> bool:
    """JavaScript ``left < right``: string order if both are strings, else numeric (NaN: false)."""
    left_kind, right_kind = type(left), type(right)
    if (left_kind is int or left_kind is float) and (right_kind is int or right_kind is float):
        return left < right
    left, right = _relational_operands(left, right)
    return left < right


def less_equal(left: Any, right: Any) -> bool:
    """JavaScript ``left <= right``."""
    left_kind, right_kind = type(left), type(right)
    if (left_kind is int or left_kind is float) and (right_kind is int or right_kind is float):
        return left <= right
    left, right = _relational_operands(left, right)
    return left <= right
