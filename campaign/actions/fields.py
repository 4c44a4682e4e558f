"""Field cleaners shared by the entity actions. Each returns the clean value or raises a
``ValidationError`` that names the input field."""

import datetime
import math
import re
from collections.abc import Callable, Iterable, Mapping
from typing import Any

from kernel.dates import BadInstant, in_utc_range, parse_instant
from kernel.errors import ValidationError

# Takes the raw input value and the field name (for errors); returns the value to store.
Cleaner = Callable[[object, str], Any]
MAX_NAME = 200
MAX_TEXT = 10_000
# JSON nested deeper than this is refused: no hand-written value comes close, and deeper ones
# exhaust the recursion of the JSON encoder and of jsonpatch.
MAX_JSON_DEPTH = 64
# What no database column holds: NUL (PostgreSQL's text and jsonb refuse it) and unpaired
# UTF-16 surrogates (which cannot be encoded as UTF-8).
UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def storable(value: str, field: str) -> str:
    """``value``, unless it holds a character that no text column can store."""
    if UNSTORABLE.search(value):
        raise unstorable(field)
    return value


def unstorable(field: str) -> ValidationError:
    """The refusal of text that ``field`` held and no column can store."""
    return ValidationError(
        f"{field} must not contain NUL characters or unpaired surrogates", field=field
    )


def json_value(value: object, field: str, *, max_depth: int = MAX_JSON_DEPTH) -> Any:
    """``value`` if it is plain JSON the database can store: objects with string keys, arrays,
    strings without NUL, finite numbers, booleans and null, at most ``max_depth`` deep."""
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, str):
            storable(item, field)
        elif isinstance(item, bool) or item is None:
            pass
        elif isinstance(item, int | float):
            if not _finite(item):
                raise ValidationError(
                    f"{field} must hold only finite numbers (not NaN or Infinity)", field=field
                )
        elif isinstance(item, dict | list):
            if depth >= max_depth:
                raise ValidationError(
                    f"{field} is nested more than {max_depth} levels deep", field=field
                )
            children: Iterable[Any] = item
            if isinstance(item, dict):
                for key in item:
                    if not isinstance(key, str):
                        raise ValidationError(f"{field} must have string keys", field=field)
                    storable(key, field)
                children = item.values()
            stack.extend((child, depth + 1) for child in children)
        else:
            raise ValidationError(f"{field} must be a JSON value", field=field)
    return value


def _finite(number: int | float) -> bool:
    try:
        return math.isfinite(number)
    except OverflowError:  # an int too large for a float
        return False


def name(value: object, field: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValidationError(f"{field} must be a non-empty string", field=field)
    value = storable(value.strip(), field)
    if len(value) > MAX_NAME:
        raise ValidationError(f"{field} must be at most {MAX_NAME} characters", field=field)
    return value


def text(value: object, field: str) -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise ValidationError(f"{field} must be a string", field=field)
    if len(value) > MAX_TEXT:
        raise ValidationError(f"{field} must be at most {MAX_TEXT} characters", field=field)
    return storable(value, field)


def boolean(value: object, field: str) -> bool:
    if not isinstance(value, bool):
        raise ValidationError(f"{field} must be true or false", field=field)
    return value


def integer(low: int | None = None, high: int | None = None, *, nullable: bool = False) -> Cleaner:
    def clean(value: object, field: str) -> int | None:
        if value is None and nullable:
            return None
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        if not isinstance(value, int) or isinstance(value, bool):
            raise ValidationError(f"{field} must be an integer, not {value!r}", field=field)
        if (low is not None and value < low) or (high is not None and value > high):
            bounds = f"between {low} and {high}" if high is not None else f"at least {low}"
            raise ValidationError(f"{field} must be {bounds}, but received {value}", field=field)
        return value

    return clean


def number(*, nullable: bool = True) -> Cleaner:
    def clean(value: object, field: str) -> float | None:
        if value is None and nullable:
            return None
        if not isinstance(value, int | float) or isinstance(value, bool) or not _finite(value):
            raise ValidationError(f"{field} must be a finite number", field=field)
        return float(value)

    return clean


def choice(options: Iterable[str]) -> Cleaner:
    allowed = tuple(options)

    def clean(value: object, field: str) -> str:
        if value not in allowed:
            raise ValidationError(f"{field} must be one of {', '.join(allowed)}", field=field)
        return value

    return clean


def moment(value: object, field: str) -> datetime.datetime | None:
    if value is None:
        return None
    try:
        if isinstance(value, str):
            return parse_instant(value)
        if isinstance(value, datetime.datetime):
            aware = value if value.tzinfo else value.replace(tzinfo=datetime.UTC)
            return in_utc_range(aware)
    except BadInstant as exc:
        raise ValidationError(f"{field} {exc}", field=field) from exc
    raise ValidationError(f"{field} must be an ISO-8601 date-time", field=field)


def json_object(value: object, field: str) -> dict[str, Any]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise ValidationError(f"{field} must be a JSON object", field=field)
    return json_value(value, field)


def json_list(value: object, field: str) -> list[Any]:
    if value is None:
        return []
    if not isinstance(value, list):
        raise ValidationError(f"{field} must be a JSON array", field=field)
    return json_value(value, field)


def string_list(value: object, field: str) -> list[str]:
    items = json_list(value, field)
    if not all(isinstance(item, str) for item in items):
        raise ValidationError(f"{field} must be a list of strings", field=field)
    return items


def clean_fields(
    data: Mapping[str, Any], cleaners: Mapping[str, Cleaner], required: Iterable[str] = ()
) -> dict[str, Any]:
    """Clean every given field; refuse unknown fields and missing required ones, by name."""
    unknown = sorted(set(data) - set(cleaners))
    if unknown:
        raise ValidationError(f"Unknown field: {unknown[0]}", field=unknown[0])
    for field in required:
        if data.get(field) is None:
            raise ValidationError(f"{field} is required", field=field)
    return {field: cleaners[field](value, field) for field, value in data.items()}
