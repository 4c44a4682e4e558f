"""``cat``, ``substr`` and ``in`` (substring of a string, or strict membership in an array).

``cat`` and ``substr`` charge the characters they build (``cat`` before joining); ``in`` charges
the length of a long string or array it searches, in steps.
"""

from collections.abc import Sequence
from typing import Any

from rules.jsonlogic.coercion import less_than, strict_equals, to_integer, to_string
from rules.jsonlogic.limits import MAX_FREE_SCAN, charge, charge_built
from rules.jsonlogic.nodes import BuildContext, Evaluator, Node, first_or_undefined
from rules.jsonlogic.registry import Operator
from rules.jsonlogic.values import UNDEFINED


def _piece(value: Any) -> str:
    """``Array.prototype.join`` turns null and undefined into empty strings."""
    if type(value) is str:
        return value
    if value is None or value is UNDEFINED:
        return ""
    return to_string(value)


def _build_cat(args: Sequence[Node], _context: BuildContext) -> Evaluator:
    evaluators = tuple(arg.evaluate for arg in args)

    def concatenate(data: Any) -> str:
        pieces = [_piece(evaluate(data)) for evaluate in evaluators]
        charge_built(sum(map(len, pieces)))
        return "".join(pieces)

    return concatenate


def _substr(text: str, start: Any, length: Any) -> str:
    """``String.prototype.substr``: a negative start counts from the end."""
    size = len(text)
    offset = to_integer(start)
    if offset < 0:
        offset = max(size + offset, 0)
    begin = int(min(offset, size))
    available = size - begin
    count = available if length is UNDEFINED else int(min(max(to_integer(length), 0), available))
    return text[begin : begin + count]


def substring(source: Any, start: Any, end: Any) -> str:
    """json-logic-js's ``substr``: a negative length drops that many characters at the end."""
    text = to_string(source)
    if end is not UNDEFINED and less_than(end, 0):
        tail = _substr(text, start, UNDEFINED)
        # `tail.length + end` in JavaScript: adds numbers but concatenates when end is not one.
        kind = type(end)
        if kind is int or kind is float:
            return _substr(tail, 0, len(tail) + end)
        return _substr(tail, 0, str(len(tail)) + to_string(end))
    return _substr(text, start, end)


def _build_substr(args: Sequence[Node], _context: BuildContext) -> Evaluator:
    source, start = args[0].evaluate, args[1].evaluate
    end = first_or_undefined(args, 2)

    def substring_charged(data: Any) -> str:
        text = substring(source(data), start(data), end(data))
        charge_built(len(text))
        return text

    return substring_charged


def contains(needle: Any, haystack: Any) -> bool:
    kind = type(haystack)
    if kind is str:
        return haystack != "" and to_string(needle) in haystack
    if kind is list:
        if type(needle) is str or needle is None:
            # Python's == on a str or None never coerces, so it agrees with JavaScript's indexOf.
            return needle in haystack
        return any(strict_equals(needle, item) for item in haystack)
    return False


def _build_in(args: Sequence[Node], _context: BuildContext) -> Evaluator:
    needle, haystack = args
    find = needle.evaluate
    if (
        haystack.constant
        and type(haystack.value) is list
        and all(type(item) is str for item in haystack.value)
    ):
        # A literal list of names, the usual case: a set lookup, and nothing else can match.
        names = frozenset(haystack.value)

        def in_names(data: Any) -> bool:
            value = find(data)
            return type(value) is str and value in names

        return in_names
    search = haystack.evaluate

    def contains_charged(data: Any) -> bool:
        value, collection = find(data), search(data)
        if (type(collection) is list or type(collection) is str) and len(
            collection
        ) > MAX_FREE_SCAN:
            charge(len(collection))
        return contains(value, collection)

    return contains_charged


OPERATORS: dict[str, Operator] = {
    "cat": Operator(_build_cat, budgeted=True),
    "substr": Operator(_build_substr, min_args=2, max_args=3, budgeted=True),
    "in": Operator(_build_in, min_args=2, max_args=2),
}
