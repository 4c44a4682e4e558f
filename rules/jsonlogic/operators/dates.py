"""World-time helpers on ISO-8601 strings: ``date_add`` and ``date_diff``.

There is deliberately no ``now``: a rule must give the same answer for the same data, so the
world's current time is passed in the data (e.g. ``{"var": "world.now"}``). Units are fixed-length
(weeks, days, hours, minutes, seconds, singular or plural); calendar months and years depend on the
world's calendar and are not offered. A ``null`` date yields ``null`` (a missing variable stays
missing); any other non-date is an error. Naive times count as UTC next to zoned ones.
"""

from collections.abc import Callable, Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any

from rules.jsonlogic.coercion import to_number
from rules.jsonlogic.errors import MalformedRuleError
from rules.jsonlogic.nodes import BuildContext, Builder, Evaluator, Node
from rules.jsonlogic.registry import Eager, Operator
from rules.jsonlogic.values import UNDEFINED

_UNIT_SECONDS = {"week": 604_800, "day": 86_400, "hour": 3_600, "minute": 60, "second": 1}
UNITS = frozenset(_UNIT_SECONDS) | {f"{unit}s" for unit in _UNIT_SECONDS}


def _seconds_per(unit: Any) -> int:
    if type(unit) is not str or unit not in UNITS:
        raise ValueError(f"unit must be one of {', '.join(sorted(UNITS))}, got {unit!r}")
    return _UNIT_SECONDS[unit.removesuffix("s")]


def _parse(moment: Any) -> datetime:
    if type(moment) is str:
        try:
            return datetime.fromisoformat(moment)
        except ValueError:
            pass
    raise ValueError(f"expected an ISO-8601 date or date-time string, got {moment!r}")


def _is_date_only(text: str) -> bool:
    try:
        date.fromisoformat(text)
    except ValueError:
        return False
    return True


def _fraction_digits(text: str) -> int:
    time_part = text.partition("T")[2] or text.partition(" ")[2]
    if "." not in time_part and "," not in time_part:
        return 0
    fraction = time_part.replace(",", ".").partition(".")[2]
    return len(fraction) - len(fraction.lstrip("0123456789"))


def _format_like(moment: datetime, original: str) -> str:
    """Keep the caller's layout (date-only, fraction digits, ``Z``) so results sort as strings."""
    if _is_date_only(original) and moment.time() == datetime.min.time():
        return moment.date().isoformat()
    if moment.microsecond == 0:
        needed = 0
    elif moment.microsecond % 1000 == 0:
        needed = 3
    else:
        needed = 6
    digits = max(_fraction_digits(original), needed)
    timespec = "seconds" if digits == 0 else "milliseconds" if digits <= 3 else "microseconds"
    text = moment.isoformat(timespec=timespec)
    if original.endswith(("Z", "z")) and text.endswith("+00:00"):
        return text[:-6] + "Z"
    return text


def date_add(moment: Any, amount: Any, unit: Any) -> str | None:
    """``{"date_add": [iso, amount, unit]}``: the moment moved by ``amount`` (may be negative)."""
    seconds = _seconds_per(unit)
    if moment is None or moment is UNDEFINED:
        return None
    start = _parse(moment)
    count = to_number(amount)
    if count != count or count in (float("inf"), float("-inf")):
        raise ValueError(f"amount must be a finite number, got {amount!r}")
    return _format_like(start + timedelta(seconds=count * seconds), moment)


def _as_utc(moment: datetime) -> datetime:
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment


def date_diff(later: Any, earlier: Any, unit: Any) -> float | None:
    """``{"date_diff": [a, b, unit]}``: ``a - b`` in ``unit``; fractional, negative if a < b."""
    seconds = _seconds_per(unit)
    if later is None or later is UNDEFINED or earlier is None or earlier is UNDEFINED:
        return None
    difference = _as_utc(_parse(later)) - _as_utc(_parse(earlier))
    return difference.total_seconds() / seconds


def _with_literal_unit_check(function: Callable[..., Any]) -> Builder:
    """A literal unit is checked when the rule is saved, not only when it first runs."""
    evaluate_with = Eager(function, guarded=True)

    def build(args: Sequence[Node], context: BuildContext) -> Evaluator:
        unit = args[2]
        if unit.constant and (type(unit.value) is not str or unit.value not in UNITS):
            units = ", ".join(sorted(UNITS))
            raise MalformedRuleError(
                f"{context.operator}: unit must be one of {units}", context.path
            )
        return evaluate_with(args, context)

    return build


CUSTOM_OPERATORS: dict[str, Operator] = {
    "date_add": Operator(_with_literal_unit_check(date_add), min_args=3, max_args=3),
    "date_diff": Operator(_with_literal_unit_check(date_diff), min_args=3, max_args=3),
}
