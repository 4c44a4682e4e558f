"""``advanceWorldTime``, ``getOverdueEvents``, ``expireEvent`` and calendar dates through GraphQL:
the original's world-time scenarios (reference: versioning doc §3.5) and its bad input."""

import datetime
from typing import Any

import pytest

from campaign.actions import entities
from campaign.models import AuditLog, Branch, Campaign
from kernel.actor import Actor
from kernel.snapshots import iso
from tests import builders
from tests.conftest import Personas
from tests.graphql_client import GraphQLClient, code_of, error_of, ok
from tests.scheduler.conftest import DAY, START

pytestmark = pytest.mark.django_db

ADVANCE = """mutation Advance($input: AdvanceWorldTimeInput!) {
  advanceWorldTime(input: $input) {
    campaignId branchId previousWorldTime currentWorldTime affectedEntities message version
    currentWorldDate { text year month monthName day }
  } }"""
OVERDUE = """query Overdue($c: ID!) {
  getOverdueEvents(campaignId: $c) { id campaignId name eventType scheduledAt isCompleted } }"""
EXPIRE = "mutation Expire($id: ID!) { expireEvent(eventId: $id) { id isCompleted occurredAt } }"
FORMAT = """query Format($c: ID!, $t: DateTime, $time: Boolean) {
  formatWorldTime(campaignId: $c, worldTime: $t, includeTime: $time) {
    calendarId text year month monthName day time worldTime } }"""
PARSE = "query Parse($c: ID!, $text: String!) { parseWorldDate(campaignId: $c, text: $text) }"


def advance(
    gql: GraphQLClient, campaign: Campaign, to: object, persona: str = "gm", **more: Any
) -> dict[str, Any]:
    """Advance ``campaign``'s clock to ``to`` (a datetime or any text)."""
    text = iso(to) if isinstance(to, datetime.datetime) else to
    return gql(ADVANCE, {"input": {"campaignId": str(campaign.pk), "to": text, **more}}, persona)


def clock(campaign: Campaign) -> datetime.datetime | None:
    return Branch.objects.get(campaign=campaign, parent__isnull=True).current_world_time


def test_advancing_moves_the_branch_clock_forward_and_says_so(
    gql: GraphQLClient, golarion: Campaign
) -> None:
    # when the GM advances the clock by 15 days
    data = ok(advance(gql, golarion, START + 15 * DAY))["advanceWorldTime"]

    # then
    assert data["previousWorldTime"] == iso(START)
    assert data["currentWorldTime"] == iso(START + 15 * DAY)
    assert data["message"] == f"World time advanced from {iso(START)} to {iso(START + 15 * DAY)}"
    assert data["currentWorldDate"] == {
        "text": "16 Abadius 4707", "year": 4707, "month": 1, "monthName": "Abadius", "day": 16
    }  # fmt: skip
    assert data["version"] == 2
    assert data["affectedEntities"] == 0
    assert clock(golarion) == START + 15 * DAY
    # and the change is audited with both times
    row = AuditLog.objects.filter(entity_type="branch").latest("pk")
    assert row.changes == {
        "previousWorldTime": iso(START),
        "currentWorldTime": iso(START + 15 * DAY),
    }


def test_the_first_time_set_says_set(gql: GraphQLClient, golarion: Campaign) -> None:
    # given a branch whose clock was never set
    Branch.objects.filter(campaign=golarion).update(current_world_time=None)

    # when
    to = START + (31 + 28 + 14) * DAY
    data = ok(advance(gql, golarion, to))["advanceWorldTime"]

    # then
    assert data["previousWorldTime"] is None
    assert data["message"] == f"World time set to {iso(to)}"
    assert data["currentWorldDate"]["text"] == "15 Pharast 4707"


@pytest.mark.parametrize(
    ("to", "message"),
    [
        (START, "Cannot advance time to the past"),
        (START - DAY, "Cannot advance time to the past"),
        ("4600-01-01T00:00:00Z", "before the epoch of the calendar 'Absalom Reckoning'"),
        ("not a time", "to"),
    ],
)
def test_a_time_in_the_past_or_before_the_epoch_is_refused_naming_the_field(
    gql: GraphQLClient, golarion: Campaign, writes: Any, to: object, message: str
) -> None:
    # given
    before = writes()

    # when
    error = error_of(advance(gql, golarion, to))

    # then nothing was written
    assert message in error["message"]
    assert error["extensions"]["code"] in ("BAD_REQUEST", "BAD_USER_INPUT")
    assert writes() == before
    assert clock(golarion) == START


def test_a_time_past_the_representable_range_is_refused(
    gql: GraphQLClient, golarion: Campaign
) -> None:
    error = error_of(advance(gql, golarion, "10000-01-01T00:00:00Z"))
    assert error["extensions"]["code"] in ("BAD_REQUEST", "BAD_USER_INPUT")
    assert clock(golarion) == START


def test_a_stale_expected_version_is_a_conflict(gql: GraphQLClient, golarion: Campaign) -> None:
    # given the clock moved once (version 2)
    ok(advance(gql, golarion, START + DAY))

    # when a client that read version 1 advances it
    body = advance(gql, golarion, START + 2 * DAY, expectedVersion=1)

    # then
    assert code_of(body) == "CONFLICT"
    assert clock(golarion) == START + DAY


@pytest.mark.parametrize(("persona", "code"), [("player", "FORBIDDEN"), ("outsider", "NOT_FOUND")])
def test_only_a_gm_or_the_owner_advances_time(
    gql: GraphQLClient, golarion: Campaign, persona: str, code: str
) -> None:
    assert code_of(advance(gql, golarion, START + DAY, persona)) == code
    assert clock(golarion) == START


def test_overdue_events_are_those_past_the_grace_period(
    gql: GraphQLClient, golarion: Campaign, personas: Personas
) -> None:
    # given the clock at noon and events at 11:50, 11:57, a completed one and an archived one
    gm = personas.actor("gm")
    at = lambda hour, minute: START.replace(hour=hour, minute=minute).isoformat()  # noqa: E731
    overdue = builders.event(gm, golarion, name="Overdue", scheduled_at=at(11, 50))
    builders.event(gm, golarion, name="In grace", scheduled_at=at(11, 57))
    builders.event(gm, golarion, name="Done", scheduled_at=at(11, 0), is_completed=True)
    archived = builders.event(gm, golarion, name="Archived", scheduled_at=at(11, 0))
    entities.archive(gm, instance=archived)

    # when
    rows = ok(gql(OVERDUE, {"c": str(golarion.pk)}, "viewer"))["getOverdueEvents"]

    # then
    assert rows == [
        {
            "id": str(overdue.uid),
            "campaignId": str(golarion.pk),
            "name": "Overdue",
            "eventType": "story",
            "scheduledAt": iso(START.replace(minute=50, hour=11)),
            "isCompleted": False,
        }
    ]


def test_an_event_expires_once_at_the_world_time(
    gql: GraphQLClient, golarion: Campaign, personas: Personas
) -> None:
    # given
    event = builders.event(personas.actor("gm"), golarion, scheduled_at=iso(START.replace(hour=8)))

    # when the scheduler's client expires it twice
    first = ok(gql(EXPIRE, {"id": str(event.uid)}, "gm"))["expireEvent"]
    second = gql(EXPIRE, {"id": str(event.uid)}, "gm")

    # then it occurred at the world time, and the second is refused
    assert first == {
        "id": str(event.uid), "isCompleted": True, "occurredAt": iso(START)
    }  # fmt: skip
    error = error_of(second)
    assert error["extensions"]["code"] == "BAD_REQUEST"
    assert "already completed" in error["message"]


def test_world_times_are_told_and_read_as_calendar_dates(
    gql: GraphQLClient, golarion: Campaign
) -> None:
    # when the branch clock is told, and a date of the calendar read back
    told = ok(gql(FORMAT, {"c": str(golarion.pk), "time": True}, "viewer"))["formatWorldTime"]
    parsed = ok(gql(PARSE, {"c": str(golarion.pk), "text": "15 pharast 4707"}, "viewer"))

    # then
    assert told == {
        "calendarId": "absalom-reckoning",
        "text": "1 Abadius 4707 12:00:00",
        "year": 4707,
        "month": 1,
        "monthName": "Abadius",
        "day": 1,
        "time": "12:00:00",
        "worldTime": iso(START),
    }
    fifteenth = START.replace(hour=0) + datetime.timedelta(days=31 + 28 + 14)
    assert parsed["parseWorldDate"] == iso(fifteenth)
    told_back = ok(gql(FORMAT, {"c": str(golarion.pk), "t": parsed["parseWorldDate"]}, "viewer"))
    assert told_back["formatWorldTime"]["text"] == "15 Pharast 4707"


def test_a_date_the_calendar_does_not_have_is_refused_naming_the_field(
    gql: GraphQLClient, golarion: Campaign
) -> None:
    error = error_of(gql(PARSE, {"c": str(golarion.pk), "text": "29 Calistril 4707"}, "viewer"))
    assert error["extensions"] == {"code": "BAD_REQUEST", "field": "text"}
    assert "valid range is 1-28" in error["message"]


def test_without_a_calendar_no_date_is_told(
    gql: GraphQLClient, campaign: Campaign, owner: Actor
) -> None:
    assert ok(gql(FORMAT, {"c": str(campaign.pk)}, "viewer"))["formatWorldTime"] is None
