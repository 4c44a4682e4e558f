"""World calendars: how a world tells its time (docs/decisions.md, "World calendars").

A world's ``calendars`` are stored in one canonical form, the original system's seed shape
``{"calendars": [CalendarDefinition, …]}``; ``canonical`` also accepts a plain list of definitions
and ``{}``. A definition is the original's ``{id, name, monthsPerYear, daysPerMonth, monthNames,
epoch, notes?}``, optionally with ``months`` (objects with ``name`` and ``days``, agreeing with the
two lists), ``weekdays`` (names, or objects with a ``name``), ``eras`` (``{name, startYear,
abbreviation?}``), ``leapYear`` (``{month, extraDays, rule: "gregorian"}``) and ``yearOffset``
(added to the year shown). What this module interprets is validated; other keys (notes,
abbreviations, descriptions) are kept as they were sent.

World times stay UTC instants; a calendar only reads and writes them as dates: the epoch is day 1
of the first month of year ``epoch's year + yearOffset``, and every day lasts 24 hours.
"""

import datetime
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from kernel.dates import BadInstant, in_utc_range, parse_instant
from kernel.errors import ValidationError

FIELD = "calendars"
MAX_CALENDARS = 20
MAX_MONTHS = 100
MAX_DAYS_IN_MONTH = 1_000
MAX_WEEKDAYS = 100
MAX_ERAS = 100
LEAP_RULES = ("gregorian",)
SECONDS_PER_DAY = 86_400
# "15 Pharast 4707", optionally followed by the calendar's abbreviation and a clock time.
DATE_TEXT = re.compile(
    r"^\s*(?P<day>\d{1,4})\s+(?P<month>\D+?)\s+(?P<year>-?\d{1,6})"
    r"(?:\s+(?P<abbreviation>[^\d\s:]+))?"
    r"(?:\s+(?P<hour>\d{1,2}):(?P<minute>\d{2})(?::(?P<second>\d{2}))?)?\s*$"
)


@dataclass(frozen=True)
class Era:
    name: str
    start_year: int
    abbreviation: str | None


@dataclass(frozen=True)
class Calendar:
    id: str
    name: str
    month_names: tuple[str, ...]
    days_per_month: tuple[int, ...]
    epoch: datetime.datetime
    weekdays: tuple[str, ...] = ()
    eras: tuple[Era, ...] = ()
    leap_month: int | None = None
    leap_days: int = 0
    year_offset: int = 0
    abbreviation: str | None = None

    @property
    def first_year(self) -> int:
        return self.epoch.year + self.year_offset

    def is_leap(self, year: int) -> bool:
        """Gregorian leap years (the one rule there is), for calendars that have a leap month."""
        gregorian = year % 4 == 0 and (year % 100 != 0 or year % 400 == 0)
        return self.leap_month is not None and gregorian

    def month_lengths(self, year: int) -> list[int]:
        lengths = list(self.days_per_month)
        if self.leap_month is not None and self.is_leap(year):
            lengths[self.leap_month] += self.leap_days
        return lengths

    def era(self, year: int) -> Era | None:
        current = None
        for era in self.eras:
            if era.start_year <= year:
                current = era
        return current


@dataclass(frozen=True)
class CalendarDate:
    """A world time told by one calendar."""

    calendar_id: str
    year: int
    month: int  # 1-based
    month_name: str
    day: int
    weekday: str | None
    era: str | None
    time: datetime.time
    text: str


# --- Reading and validating what clients send --------------------------------------------------


def canonical(value: object, field: str = FIELD) -> dict[str, list[dict[str, Any]]]:
    """The canonical form of a world's ``calendars`` input, each definition validated."""
    if isinstance(value, Mapping):
        unknown = sorted(str(key) for key in value if key != "calendars")
        if unknown:
            raise ValidationError(
                f"{field} must be a list of calendar definitions or an object with only a"
                f" 'calendars' list (unknown key {unknown[0]!r})",
                field=f"{field}.{unknown[0]}",
            )
        definitions = value.get("calendars", [])
        if not isinstance(definitions, list):
            raise ValidationError(f"{field}.calendars must be a list", field=f"{field}.calendars")
    elif isinstance(value, list):
        definitions = value
    else:
        raise ValidationError(
            f'{field} must be a list of calendar definitions or {{"calendars": [...]}}',
            field=field,
        )
    if len(definitions) > MAX_CALENDARS:
        raise ValidationError(f"{field} holds at most {MAX_CALENDARS} calendars", field=field)
    seen: set[str] = set()
    for index, definition in enumerate(definitions):
        calendar = parse(definition, f"{field}[{index}]")
        if calendar.id in seen:
            raise ValidationError(
                f"{field}[{index}].id {calendar.id!r} is used by another calendar",
                field=f"{field}[{index}].id",
            )
        seen.add(calendar.id)
    return {"calendars": list(definitions)}


def definitions(stored: object) -> list[Any]:
    """The calendar definitions of a stored value (rows written before the canonical form was a
    list of definitions, and ``{}``, are read too)."""
    if isinstance(stored, Mapping):
        found = stored.get("calendars", [])
        return found if isinstance(found, list) else []
    return stored if isinstance(stored, list) else []


def parse(definition: object, field: str) -> Calendar:
    """One definition, read and checked; every error names the offending input field."""
    if not isinstance(definition, Mapping):
        raise ValidationError(f"{field} must be an object", field=field)
    months = _months(definition, field)
    weekdays = _weekdays(definition.get("weekdays"), f"{field}.weekdays")
    leap_month, leap_days = _leap_year(definition.get("leapYear"), months, f"{field}.leapYear")
    abbreviation = definition.get("abbreviation")
    return Calendar(
        id=_text(definition.get("id"), f"{field}.id"),
        name=_text(definition.get("name"), f"{field}.name"),
        month_names=tuple(name for name, _ in months),
        days_per_month=tuple(days for _, days in months),
        epoch=_epoch(definition.get("epoch"), f"{field}.epoch"),
        weekdays=weekdays,
        eras=_eras(definition.get("eras"), f"{field}.eras"),
        leap_month=leap_month,
        leap_days=leap_days,
        year_offset=_integer(definition.get("yearOffset", 0), f"{field}.yearOffset"),
        abbreviation=abbreviation if isinstance(abbreviation, str) and abbreviation else None,
    )


def _text(value: object, field: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValidationError(f"{field} must be a non-empty string", field=field)
    return value.strip()


def _integer(value: object, field: str, low: int | None = None, high: int | None = None) -> int:
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if not isinstance(value, int) or isinstance(value, bool):
        raise ValidationError(f"{field} must be an integer", field=field)
    if (low is not None and value < low) or (high is not None and value > high):
        raise ValidationError(f"{field} must be between {low} and {high}", field=field)
    return value


def _list(value: object, field: str, most: int) -> list[Any]:
    if not isinstance(value, list):
        raise ValidationError(f"{field} must be a list", field=field)
    if len(value) > most:
        raise ValidationError(f"{field} holds at most {most} entries", field=field)
    return value


def _months(definition: Mapping[str, Any], field: str) -> list[tuple[str, int]]:
    """The months, from ``monthNames`` + ``daysPerMonth`` and/or ``months``, which must agree
    with each other and with ``monthsPerYear``."""
    names = definition.get("monthNames")
    days = definition.get("daysPerMonth")
    objects = definition.get("months")
    if (names is None) != (days is None):
        missing = "monthNames" if names is None else "daysPerMonth"
        raise ValidationError(f"{field}.{missing} is required", field=f"{field}.{missing}")
    listed: list[tuple[str, int]] | None = None
    if names is not None:
        names = _list(names, f"{field}.monthNames", MAX_MONTHS)
        days = _list(days, f"{field}.daysPerMonth", MAX_MONTHS)
        if len(names) != len(days):
            raise ValidationError(
                f"{field}.daysPerMonth has {len(days)} entries but monthNames has {len(names)}",
                field=f"{field}.daysPerMonth",
            )
        listed = [
            (
                _text(name, f"{field}.monthNames[{i}]"),
                _integer(count, f"{field}.daysPerMonth[{i}]", 1, MAX_DAYS_IN_MONTH),
            )
            for i, (name, count) in enumerate(zip(names, days, strict=True))
        ]
    if objects is not None:
        objects = _list(objects, f"{field}.months", MAX_MONTHS)
        described = []
        for i, month in enumerate(objects):
            if not isinstance(month, Mapping):
                raise ValidationError(
                    f"{field}.months[{i}] must be an object", field=f"{field}.months[{i}]"
                )
            described.append(
                (
                    _text(month.get("name"), f"{field}.months[{i}].name"),
                    _integer(month.get("days"), f"{field}.months[{i}].days", 1, MAX_DAYS_IN_MONTH),
                )
            )
        if listed is not None:
            _agree(listed, described, f"{field}.months")
        listed = described
    if not listed:
        raise ValidationError(
            f"{field} needs its months: monthNames and daysPerMonth (or months)",
            field=f"{field}.monthNames",
        )
    if "monthsPerYear" in definition:
        count = _integer(definition["monthsPerYear"], f"{field}.monthsPerYear", 1, MAX_MONTHS)
        if count != len(listed):
            raise ValidationError(
                f"{field}.monthsPerYear is {count} but {len(listed)} months are listed",
                field=f"{field}.monthsPerYear",
            )
    _unique((name for name, _ in listed), f"{field}.monthNames")
    return listed


def _agree(listed: list[tuple[str, int]], described: list[tuple[str, int]], field: str) -> None:
    if len(listed) != len(described):
        raise ValidationError(
            f"{field} has {len(described)} months but monthNames has {len(listed)}", field=field
        )
    for i, ((name, days), (other_name, other_days)) in enumerate(
        zip(listed, described, strict=True)
    ):
        if name != other_name:
            raise ValidationError(
                f"{field}[{i}].name is {other_name!r} but monthNames[{i}] is {name!r}",
                field=f"{field}[{i}].name",
            )
        if days != other_days:
            raise ValidationError(
                f"{field}[{i}].days is {other_days} but daysPerMonth[{i}] is {days}",
                field=f"{field}[{i}].days",
            )


def _unique(names: Iterator[str] | Sequence[str], field: str) -> None:
    """Dates are read case-insensitively, so names must differ in more than case."""
    seen: set[str] = set()
    for i, name in enumerate(names):
        if name.casefold() in seen:
            raise ValidationError(f"{field}[{i}] {name!r} is listed twice", field=f"{field}[{i}]")
        seen.add(name.casefold())


def _epoch(value: object, field: str) -> datetime.datetime:
    if not isinstance(value, str):
        raise ValidationError(f"{field} must be an ISO-8601 date-time", field=field)
    try:
        return parse_instant(value).astimezone(datetime.UTC)
    except BadInstant as exc:
        raise ValidationError(f"{field} {exc}", field=field) from exc


def _weekdays(value: object, field: str) -> tuple[str, ...]:
    if value is None:
        return ()
    names = []
    for i, day in enumerate(_list(value, field, MAX_WEEKDAYS)):
        name = day.get("name") if isinstance(day, Mapping) else day
        names.append(_text(name, f"{field}[{i}]" + (".name" if isinstance(day, Mapping) else "")))
    _unique(names, field)
    return tuple(names)


def _eras(value: object, field: str) -> tuple[Era, ...]:
    if value is None:
        return ()
    eras = []
    for i, era in enumerate(_list(value, field, MAX_ERAS)):
        if not isinstance(era, Mapping):
            raise ValidationError(f"{field}[{i}] must be an object", field=f"{field}[{i}]")
        abbreviation = era.get("abbreviation")
        if abbreviation is not None:
            abbreviation = _text(abbreviation, f"{field}[{i}].abbreviation")
        eras.append(
            Era(
                name=_text(era.get("name"), f"{field}[{i}].name"),
                start_year=_integer(era.get("startYear"), f"{field}[{i}].startYear"),
                abbreviation=abbreviation,
            )
        )
    for i in range(1, len(eras)):
        if eras[i].start_year <= eras[i - 1].start_year:
            raise ValidationError(
                f"{field}[{i}].startYear must be later than the previous era's",
                field=f"{field}[{i}].startYear",
            )
    return tuple(eras)


def _leap_year(value: object, months: list[tuple[str, int]], field: str) -> tuple[int | None, int]:
    if value is None:
        return None, 0
    if not isinstance(value, Mapping):
        raise ValidationError(f"{field} must be an object", field=field)
    rule = value.get("rule", "gregorian")
    if rule not in LEAP_RULES:
        raise ValidationError(
            f"{field}.rule must be one of {', '.join(LEAP_RULES)}", field=f"{field}.rule"
        )
    month = _text(value.get("month"), f"{field}.month")
    names = [name.casefold() for name, _ in months]
    if month.casefold() not in names:
        raise ValidationError(
            f"{field}.month {month!r} is not one of the months", field=f"{field}.month"
        )
    extra = _integer(value.get("extraDays", 1), f"{field}.extraDays", 1, MAX_DAYS_IN_MONTH)
    return names.index(month.casefold()), extra


def find(stored: object, calendar_id: str | None, field: str = "calendarId") -> Calendar:
    """The world's calendar with ``calendar_id``, else its first one."""
    found = definitions(stored)
    if not found:
        raise ValidationError("The world has no calendar", field=field)
    if calendar_id is None:
        return parse(found[0], f"{FIELD}[0]")
    for index, definition in enumerate(found):
        if isinstance(definition, Mapping) and definition.get("id") == calendar_id:
            return parse(definition, f"{FIELD}[{index}]")
    raise ValidationError(f"The world has no calendar with id {calendar_id!r}", field=field)


# --- Telling time -------------------------------------------------------------------------------


def _years_from(calendar: Calendar, days: int) -> tuple[int, int]:
    """The calendar year ``days`` after the epoch falls in, and the day of that year (0-based)."""
    year = calendar.first_year
    while True:
        length = sum(calendar.month_lengths(year))
        if days < length:
            return year, days
        days -= length
        year += 1


def format_date(
    calendar: Calendar, moment: datetime.datetime, *, include_time: bool = False
) -> CalendarDate:
    """``moment`` as a date of ``calendar``: ``1 Abadius 4700`` at its epoch."""
    moment = moment.astimezone(datetime.UTC)
    if moment < calendar.epoch:
        raise ValidationError(
            f"worldTime {moment.isoformat()} is before the calendar's epoch"
            f" ({calendar.epoch.isoformat()})",
            field="worldTime",
        )
    elapsed = int((moment - calendar.epoch).total_seconds())
    days, seconds = divmod(elapsed, SECONDS_PER_DAY)
    year, day_of_year = _years_from(calendar, days)
    month = 0
    for length in calendar.month_lengths(year):
        if day_of_year < length:
            break
        day_of_year -= length
        month += 1
    day = day_of_year + 1
    clock = datetime.time(seconds // 3600, seconds % 3600 // 60, seconds % 60)
    text = f"{day} {calendar.month_names[month]} {year}"
    if include_time:
        text += f" {clock.isoformat()}"
    era = calendar.era(year)
    return CalendarDate(
        calendar_id=calendar.id,
        year=year,
        month=month + 1,
        month_name=calendar.month_names[month],
        day=day,
        weekday=calendar.weekdays[days % len(calendar.weekdays)] if calendar.weekdays else None,
        era=era.name if era else None,
        time=clock,
        text=text,
    )


def parse_date(calendar: Calendar, text: str, field: str = "text") -> datetime.datetime:
    """A world time from ``15 Pharast 4707`` (``[ HH:MM[:SS]]``, month names in any case) or from
    ISO-8601; never before the epoch, always within the years 1 to 9999 in UTC."""
    match = DATE_TEXT.match(text)
    if match is None:
        try:
            moment = parse_instant(text.strip())
        except BadInstant as exc:
            raise ValidationError(
                f'{field} must read "D MonthName YYYY", "D MonthName YYYY HH:MM:SS" or be'
                f" ISO-8601, not {text!r}",
                field=field,
            ) from exc
        return _not_before_epoch(calendar, moment.astimezone(datetime.UTC), field)
    abbreviation = match["abbreviation"]
    if abbreviation and abbreviation.casefold() != (calendar.abbreviation or "").casefold():
        raise ValidationError(f"{field}: {abbreviation!r} is not this calendar's", field=field)
    names = [name.casefold() for name in calendar.month_names]
    month_name = match["month"].strip()
    if month_name.casefold() not in names:
        raise ValidationError(
            f"{field}: invalid month name {month_name!r}; the months are"
            f" {', '.join(calendar.month_names)}",
            field=field,
        )
    month = names.index(month_name.casefold())
    year, day = int(match["year"]), int(match["day"])
    if year < calendar.first_year:
        raise ValidationError(
            f"{field}: year {year} is before the calendar's epoch (year {calendar.first_year})",
            field=field,
        )
    lengths = calendar.month_lengths(year)
    if not 1 <= day <= lengths[month]:
        raise ValidationError(
            f"{field}: invalid day {day} for {calendar.month_names[month]};"
            f" the valid range is 1-{lengths[month]}",
            field=field,
        )
    hour, minute, second = (int(match[key] or 0) for key in ("hour", "minute", "second"))
    if hour > 23 or minute > 59 or second > 59:
        raise ValidationError(f"{field}: invalid time of day", field=field)
    days = sum(sum(calendar.month_lengths(y)) for y in range(calendar.first_year, year))
    days += sum(lengths[:month]) + day - 1
    seconds = days * SECONDS_PER_DAY + hour * 3600 + minute * 60 + second
    try:
        moment = calendar.epoch + datetime.timedelta(seconds=seconds)
        return in_utc_range(moment)
    except (OverflowError, BadInstant) as exc:
        raise ValidationError(
            f"{field} falls outside the years 1 to 9999 that world time can hold", field=field
        ) from exc


def _not_before_epoch(
    calendar: Calendar, moment: datetime.datetime, field: str
) -> datetime.datetime:
    if moment < calendar.epoch:
        raise ValidationError(
            f"{field} is before the calendar's epoch ({calendar.epoch.isoformat()})", field=field
        )
    return moment
