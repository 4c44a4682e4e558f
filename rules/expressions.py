"""Rule expressions as stored: validated at save time, and read for the dependency graph."""

from typing import Any

from kernel.errors import ValidationError
from rules import jsonlogic

# Nested deeper than a GM would write by hand; also bounds the cost of a single evaluation.
MAX_DEPTH = 32
# The JSON nesting of the deepest expression ``validate`` accepts: each operator level is an
# object and its array of arguments. Stored expressions are refused deeper than this.
MAX_JSON_DEPTH = 2 * jsonlogic.DEFAULT_LIMITS.max_depth + 2


def validate(expression: Any, field: str = "expression") -> None:
    """Refuse a malformed expression, naming the JSON path of the bad node."""
    if expression is None:
        raise ValidationError(f"{field} is required", field=field)
    if not isinstance(expression, dict | list | str | int | float | bool):
        raise ValidationError(f"{field} must be a JSONLogic expression", field=field)
    try:
        jsonlogic.validate(expression)
    except jsonlogic.JsonLogicError as exc:
        raise ValidationError(f"Invalid {field}: {exc}", field=field) from exc


def reads(expression: Any) -> frozenset[str]:
    """The ``var`` paths an expression reads (literal paths only)."""
    try:
        return jsonlogic.compile(expression).variables
    except jsonlogic.JsonLogicError:
        return frozenset()


def variable_keys(expression: Any) -> frozenset[str]:
    """The state-variable keys an expression reads through ``var.<key>`` paths."""
    keys = set()
    for path in reads(expression):
        namespace, _, rest = path.partition(".")
        if namespace == "var" and rest:
            keys.add(rest.split(".", 1)[0])
    return frozenset(keys)
