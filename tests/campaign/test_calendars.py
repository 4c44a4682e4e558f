"""World calendars (campaign/calendars.py): the shapes accepted, their validation, and telling
world time as calendar dates — the original's calendar scenarios included."""

import copy
import datetime
from typing import Any

import pytest

from campaign import calendars
from kernel.errors import ValidationError
from tests.calendar_data import ABSALOM_RECKONING, GALIFAR

UTC = datetime.UTC
GOLARION = calendars.parse(ABSALOM_RECKONING, "calendars[0]")


def refused_field(value: object) -> str | None:
    with pytest.raises(ValidationError) as refused:
        calendars.canonical(value)
    return refused.value.field


@pytest.mark.parametrize(
    "value",
    [
        {"calendars": [ABSALOM_RECKONING, GALIFAR]},  # the original's seed
        [ABSALOM_RECKONING, GALIFAR],  # a plain list
    ],
)
def test_every_accepted_shape_is_stored_in_the_seed_shape(value: Any) -> None:
    # when / then
    assert calendars.canonical(value) == {"calendars": [ABSALOM_RECKONING, GALIFAR]}


def test_an_empty_object_as_the_original_tests_send_means_no_calendars() -> None:
    assert calendars.canonical({}) == {"calendars": []}
    assert calendars.canonical([]) == {"calendars": []}


def bad(path: str, value: object) -> dict[str, Any]:
    """ABSALOM_RECKONING with ``value`` at ``path`` (dotted; list indexes as numbers)."""
    definition = copy.deepcopy(ABSALOM_RECKONING)
    *parents, last = path.split(".")
    target: Any = definition
    for key in parents:
        target = target[int(key)] if key.isdigit() else target[key]
    if value is KeyError:
        del target[last]
    elif last.isdigit():
        target[int(last)] = value
    else:
        target[last] = value
    return definition


@pytest.mark.parametrize(
    ("definition", "field"),
    [
        (bad("daysPerMonth", [31] * 11), "calendars[1].daysPerMonth"),
        (bad("monthsPerYear", 13), "calendars[1].monthsPerYear"),
        (bad("daysPerMonth.2", 0), "calendars[1].daysPerMonth[2]"),
        (bad("daysPerMonth.2", "31"), "calendars[1].daysPerMonth[2]"),
        (bad("monthNames.4", ""), "calendars[1].monthNames[4]"),
        (bad("monthNames.4", "abadius"), "calendars[1].monthNames[4]"),
        (bad("monthNames", KeyError), "calendars[1].monthNames"),
        (bad("epoch", "the founding of Absalom"), "calendars[1].epoch"),
        (bad("epoch", KeyError), "calendars[1].epoch"),
        (bad("id", KeyError), "calendars[1].id"),
        (bad("name", 7), "calendars[1].name"),
        (bad("weekdays", ["Moonday", 3]), "calendars[1].weekdays[1]"),
        (bad("eras", [{"name": "AR"}]), "calendars[1].eras[0].startYear"),
        (
            bad("eras", [{"name": "B", "startYear": 5}, {"name": "A", "startYear": 1}]),
            "calendars[1].eras[1].startYear",
        ),
        (bad("leapYear", {"month": "Smarch"}), "calendars[1].leapYear.month"),
        (
            bad("months", [{"name": n, "days": 30} for n in ABSALOM_RECKONING["monthNames"]]),
            "calendars[1].months[0].days",
        ),
        (GALIFAR, "calendars[1].id"),  # the same id twice
        ("not a calendar", "calendars[1]"),
    ],
)
def test_a_definition_whose_parts_disagree_is_refused_naming_the_field(
    definition: Any, field: str
) -> None:
    # given a valid first calendar and a broken second one
    assert refused_field([GALIFAR, definition]) == field


def test_anything_else_than_a_list_or_the_seed_object_is_refused() -> None:
    assert refused_field("calendars") == "calendars"
    assert refused_field({"calendars": [], "default": "x"}) == "calendars.default"
    assert refused_field({"calendars": {"id": "x"}}) == "calendars.calendars"


def test_keys_the_calendar_does_not_interpret_are_kept_as_sent() -> None:
    # given a definition with months, weekdays, eras and notes of its own
    rich = {
        **ABSALOM_RECKONING,
        "abbreviation": "AR",
        "months": [
            {"name": name, "days": days, "season": "any"}
            for name, days in zip(
                ABSALOM_RECKONING["monthNames"], ABSALOM_RECKONING["daysPerMonth"], strict=True
            )
        ],
        "weekdays": [{"name": "Moonday", "custom": "worship"}, "Toilday"],
        "eras": [{"name": "Age of Lost Omens", "startYear": 4606, "abbreviation": "AR"}],
        "epochEvent": "The founding of Absalom",
    }

    # when / then
    assert calendars.canonical([rich]) == {"calendars": [rich]}


# --- the original's calendar scenarios (reference: versioning doc §3.5, item 10) ---------------


def test_a_calendar_date_parses_to_its_world_time() -> None:
    # 15 Pharast 4707: 7 years of 365 days, then Abadius and Calistril, then 14 days
    moment = calendars.parse_date(GOLARION, "15 Pharast 4707")
    expected = datetime.datetime(4700, 1, 1, tzinfo=UTC) + datetime.timedelta(
        days=7 * 365 + 31 + 28 + 14
    )
    assert moment == expected
    assert calendars.format_date(GOLARION, moment).text == "15 Pharast 4707"


def test_month_names_are_read_in_any_case() -> None:
    assert calendars.parse_date(GOLARION, "15 pharast 4707") == calendars.parse_date(
        GOLARION, "15 PHARAST 4707"
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("29 Calistril 4707", "invalid day 29 for Calistril; the valid range is 1-28"),
        ("3 Smarch 4707", "invalid month name 'Smarch'"),
        ("1 Abadius 4699", "before the calendar's epoch"),
        ("4699-12-31T23:59:59Z", "before the calendar's epoch"),
        ("yesterday", 'must read "D MonthName YYYY"'),
        ("1 Abadius 12000", "outside the years 1 to 9999"),
        ("1 Abadius 4707 25:00", "invalid time of day"),
    ],
)
def test_a_date_the_calendar_does_not_have_is_refused(text: str, message: str) -> None:
    with pytest.raises(ValidationError) as refused:
        calendars.parse_date(GOLARION, text)
    assert message in refused.value.message
    assert refused.value.field == "text"


def test_the_epoch_is_the_first_day_of_the_first_month() -> None:
    epoch = datetime.datetime(4700, 1, 1, tzinfo=UTC)
    assert calendars.format_date(GOLARION, epoch).text == "1 Abadius 4700"
    assert calendars.format_date(GOLARION, epoch + datetime.timedelta(days=31)).text == (
        "1 Calistril 4700"
    )


def test_a_time_before_the_epoch_cannot_be_told() -> None:
    with pytest.raises(ValidationError) as refused:
        calendars.format_date(GOLARION, datetime.datetime(4699, 12, 31, tzinfo=UTC))
    assert refused.value.field == "worldTime"


def test_clock_time_weekday_and_era_are_told_in_utc() -> None:
    # given a calendar with weekdays and eras
    calendar = calendars.parse(
        {
            **ABSALOM_RECKONING,
            "weekdays": ["Moonday", "Toilday", "Wealday"],
            "eras": [{"name": "Early", "startYear": 4700}, {"name": "Late", "startYear": 4705}],
        },
        "calendars[0]",
    )
    moment = calendars.parse_date(calendar, "3 Abadius 4706 13:45:10")

    # when
    told = calendars.format_date(calendar, moment, include_time=True)

    # then
    assert told.text == "3 Abadius 4706 13:45:10"
    assert (told.year, told.month, told.month_name, told.day) == (4706, 1, "Abadius", 3)
    assert told.era == "Late"
    # 6 * 365 + 2 days after a Moonday
    assert told.weekday == ["Moonday", "Toilday", "Wealday"][(6 * 365 + 2) % 3]


def test_a_gregorian_leap_rule_makes_the_dates_read_as_the_utc_calendar_date() -> None:
    # given the demo's way: Absalom Reckoning with Calistril 29 in Gregorian leap years
    calendar = calendars.parse(
        {**ABSALOM_RECKONING, "leapYear": {"month": "Calistril", "extraDays": 1}}, "c"
    )

    # then 29 Calistril exists in 4708 only, and every date is the UTC date of the instant
    assert calendars.parse_date(calendar, "29 Calistril 4708") == datetime.datetime(
        4708, 2, 29, tzinfo=UTC
    )
    moment = datetime.datetime(4710, 4, 2, 9, tzinfo=UTC)
    assert calendars.format_date(calendar, moment).text == "2 Gozran 4710"
    with pytest.raises(ValidationError):
        calendars.parse_date(calendar, "29 Calistril 4709")


def test_a_year_offset_changes_the_year_told() -> None:
    # given the Imperial calendar: year IC = year AR - 4070
    imperial = calendars.parse(
        {**ABSALOM_RECKONING, "id": "ic", "epoch": "4071-01-01T00:00:00Z", "yearOffset": -4070},
        "c",
    )
    assert calendars.format_date(imperial, datetime.datetime(4071, 1, 1, tzinfo=UTC)).text == (
        "1 Abadius 1"
    )
    assert calendars.parse_date(imperial, "1 Abadius 2") == datetime.datetime(
        4072, 1, 1, tzinfo=UTC
    )
