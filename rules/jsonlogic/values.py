"""JavaScript value model: the ``undefined`` sentinel and conversion of results to JSON values.

Evaluation keeps JavaScript's distinctions (``undefined`` vs ``null``, ``NaN``, ``Infinity``) so
that nested operators behave exactly as in json-logic-js; results leave the engine as JSON values,
which is what json-logic-js results become once ``JSON.stringify``-ed.
"""

from typing import Any, Final

JsonValue = Any
"""A JSON document as Python builds it: dict, list, str, int, float, bool or None."""

MAX_SAFE_INTEGER: Final = 2**53
"""Beyond this, JavaScript numbers (doubles) no longer hold every integer."""


class Undefined:
    """JavaScript ``undefined``: what a missing argument or ``{"and": []}`` evaluates to."""

    _instance: "Undefined | None" = None

    def __new__(cls) -> "Undefined":
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __bool__(self) -> bool:
        return False

    def __repr__(self) -> str:
        return "UNDEFINED"

    # Literal containers are deep-copied on every evaluation; the sentinel must survive by identity.
    def __deepcopy__(self, memo: dict[int, Any]) -> "Undefined":
        return self


UNDEFINED: Final = Undefined()


def to_json(value: JsonValue) -> JsonValue:
    """Map a JavaScript-flavoured result to its JSON form.

    ``undefined``/``NaN``/``±Infinity`` become ``None`` (``JSON.stringify`` writes ``null``) and
    integral floats become ints (JavaScript has one number type, so ``6 / 2`` is just ``3``). Lists
    are walked and copied only if they hold something to convert; dicts are data passed through and
    are returned untouched.
    """
    kind = type(value)
    if kind is float:
        if value != value or value in (float("inf"), float("-inf")):
            return None
        if value.is_integer() and -MAX_SAFE_INTEGER <= value <= MAX_SAFE_INTEGER:
            return int(value)
        return value
    if kind is list:
        for item in value:
            item_kind = type(item)
            if item_kind is float or item_kind is list or item is UNDEFINED:
                return [to_json(item) for item in value]
        return value
    if value is UNDEFINED:
        return None
    return value
