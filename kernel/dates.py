"""Instants as the API reads them: ISO-8601 (``Z`` or an offset; UTC when neither is given),
within the years 1 to 9999 in UTC, where both Python and the database can hold them."""

import datetime
from typing import TypeAlias

# An instant as callers hand it to the actions: ISO-8601 text (the API) or a datetime (Python).
InstantInput: TypeAlias = str | datetime.datetime


class BadInstant(ValueError):
    """Why a value is not an instant we can store, worded to follow the field's name."""


class OutOfRange(BadInstant):
    """An instant, but not one of the years 1 to 9999 in UTC."""


def parse_instant(text: str) -> datetime.datetime:
    try:
        parsed = datetime.datetime.fromisoformat(text.replace("Z", "+00:00"))
    except ValueError as exc:
        raise BadInstant("must be an ISO-8601 date-time") from exc
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=datetime.UTC)
    return in_utc_range(parsed)


def in_utc_range(value: datetime.datetime) -> datetime.datetime:
    """``value`` if it is an instant of the years 1 to 9999 in UTC too (where it is stored)."""
    try:
        value.astimezone(datetime.UTC)
    except OverflowError as exc:
        raise OutOfRange("must fall between the years 1 and 9999 in UTC") from exc
    return value
