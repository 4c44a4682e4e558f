"""Deferred work: an effect deferred to a world time, and an event that a ``triggers`` link set off
but that is scheduled later, fire when the clock reaches them, in world-time order with recurring
effects and expiries; each once, audited; a failure is kept on its row and holds nothing up; a
dry run of a resolution schedules nothing."""

from collections.abc import Callable
from itertools import pairwise
from typing import Any

import pytest

from campaign.models import AuditLog, Campaign, Event, Settlement, Version
from kernel.actor import Actor
from kernel.errors import ValidationError
from kernel.snapshots import iso
from rules import actions as rules
from rules.deferred_work import defer_effect
from rules.models import DeferredWork, Effect, EffectExecution
from rules.resolution import complete_event
from scheduler import due_work, jobs
from scheduler.recurring import attach_recurring_effect
from scheduler.world_time import advance_world_time
from tests import builders
from tests.conftest import Personas
from tests.graphql_client import GraphQLClient, code_of, error_of, ok
from tests.scheduler.conftest import DAY, START

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("eager")]


@pytest.fixture
def gm(personas: Personas) -> Actor:
    return personas.actor("gm")


@pytest.fixture
def town(gm: Actor, golarion: Campaign) -> Settlement:
    return builders.settlement(
        gm,
        builders.kingdom(gm, golarion),
        variable_schemas=[
            {"name": "population", "type": "number"},
            {"name": "gold", "type": "number"},
        ],
        variables={"population": 1000, "gold": 0},
    )


def gold(value: int, *, expected: int | None = None) -> list[dict[str, Any]]:
    check = (
        [] if expected is None else [{"op": "test", "path": "/variables/gold", "value": expected}]
    )
    return [*check, {"op": "replace", "path": "/variables/gold", "value": value}]


def effect_on(gm: Actor, source: Event, town: Settlement, payload: Any, **data: Any) -> Effect:
    return rules.create_effect(
        gm,
        data={
            "entity_type": "event",
            "entity_id": str(source.uid),
            "target_type": "settlement",
            "target_id": str(town.uid),
            "name": data.pop("name", "Tithe"),
            "effect_type": "patch",
            "payload": payload,
            **data,
        },
    )


def deferred_effect(gm: Actor, golarion: Campaign, town: Settlement, day: int, **data: Any) -> Any:
    """An effect of an event nobody completes, deferred to ``day``."""
    tax = effect_on(gm, builders.event(gm, golarion, name=f"Tax day {day}"), town, **data)
    return defer_effect(gm, effect_id=tax.uid, at=START + day * DAY)


def weekly_growth(gm: Actor, town: Settlement) -> Any:
    return attach_recurring_effect(
        gm,
        target_type="settlement",
        target_id=town.uid,
        data={
            "name": "Growth",
            "payload": [{"op": "replace", "path": "/variables/population",
                         "valueRule": {"+": [{"var": "variables.population"}, 10]}}],
            "period_days": 7,
        },
    )  # fmt: skip


def advance(gm: Actor, campaign: Campaign, days: int, capture: Callable[..., Any]) -> int:
    """Move the clock without running what it enqueues (the test fires the work itself)."""
    with capture(execute=False):
        return advance_world_time(gm, campaign_id=campaign.pk, to=START + days * DAY).due


def test_advancing_30_days_fires_deferred_and_triggered_work_in_world_time_order(
    gm: Actor,
    golarion: Campaign,
    town: Settlement,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    # given growth every 7 days, an effect deferred to day 10, events expiring on days 3 and 25,
    # and a harvest on day 17 that a completed event triggered (so it is due work, not expired)
    growth = weekly_growth(gm, town)
    tax = deferred_effect(gm, golarion, town, 10, payload=gold(50, expected=0))
    expiring = {
        day: builders.event(gm, golarion, name=f"Day {day}", scheduled_at=iso(START + day * DAY))
        for day in (3, 25)
    }
    harvest = builders.event(gm, golarion, name="Harvest", scheduled_at=iso(START + 17 * DAY))
    effect_on(gm, harvest, town, gold(80, expected=50), name="Harvest gold")
    spark = builders.event(gm, golarion, name="Planting")
    builders.link(gm, golarion, spark, harvest, link_type="triggers")
    complete_event(gm, event_id=spark.uid)

    # when the clock moves 30 days and the due work fires
    due = advance(gm, golarion, 30, django_capture_on_commit_callbacks)
    fired = due_work.fire_due(golarion.main_branch.pk)

    # then 4 growths, the deferred effect, the harvest and 2 expiries fired, in world-time order
    assert due == 8
    assert [(item.kind, item.entity_id, item.due_at) for item in fired] == [
        ("event_expired", str(expiring[3].uid), START + 3 * DAY),
        ("recurring_effect", str(growth.uid), START + 7 * DAY),
        ("deferred_effect", str(tax.entity_uid), START + 10 * DAY),
        ("recurring_effect", str(growth.uid), START + 14 * DAY),
        ("deferred_event", str(harvest.uid), START + 17 * DAY),
        ("recurring_effect", str(growth.uid), START + 21 * DAY),
        ("event_expired", str(expiring[25].uid), START + 25 * DAY),
        ("recurring_effect", str(growth.uid), START + 28 * DAY),
    ]
    # the harvest completed at its own world time, its effect seeing the deferred one's gold
    harvest.refresh_from_db()
    assert (harvest.is_completed, harvest.occurred_at) == (True, START + 17 * DAY)
    town.refresh_from_db()
    assert town.variables == {"population": 1040, "gold": 80}
    snapshots = [
        (v.valid_from, (v.snapshot or {})["variables"])
        for v in Version.objects.filter(entity_uid=str(town.uid)).order_by("sequence")
    ]
    gold_changes = [
        (when, now["gold"])
        for (_, before), (when, now) in pairwise(snapshots)
        if now["gold"] != before["gold"]
    ]
    assert gold_changes == [(START + 10 * DAY, 50), (START + 17 * DAY, 80)]
    # each deferred item recorded as an execution and as a done row, audited
    assert EffectExecution.objects.filter(effect__uid=tax.entity_uid).count() == 1
    assert not DeferredWork.objects.filter(done_at__isnull=True).exists()
    assert set(DeferredWork.objects.values_list("error", flat=True)) == {""}
    audited = AuditLog.objects.filter(entity_type="deferred_work", operation="UPDATE")
    assert audited.count() == 2


def test_firing_deferred_work_again_applies_nothing_twice(
    gm: Actor,
    golarion: Campaign,
    town: Settlement,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    # given a deferred effect that fired
    tax = deferred_effect(gm, golarion, town, 5, payload=gold(50))
    advance(gm, golarion, 6, django_capture_on_commit_callbacks)
    assert [item.kind for item in due_work.fire_due(golarion.main_branch.pk)] == ["deferred_effect"]
    rows = (Version.objects.count(), AuditLog.objects.count(), EffectExecution.objects.count())

    # when every runner fires again (a redelivered task, the periodic job)
    again = due_work.fire_due(golarion.main_branch.pk)
    periodic = jobs.fire_all_due_work()

    # then nothing was due, and nothing was written
    assert again == []
    assert periodic == {"branches": 0, "fired": 0}
    assert (
        Version.objects.count(),
        AuditLog.objects.count(),
        EffectExecution.objects.count(),
    ) == rows
    assert DeferredWork.objects.get(entity_uid=tax.entity_uid).done_at is not None


def test_a_failing_deferred_effect_is_recorded_and_holds_nothing_up(
    gm: Actor,
    golarion: Campaign,
    town: Settlement,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    # given a deferred effect on day 5 that expects gold the town does not have, and a good one
    # on day 9
    broken = deferred_effect(gm, golarion, town, 5, payload=gold(10, expected=999))
    good = deferred_effect(gm, golarion, town, 9, payload=gold(20, expected=0))

    # when the clock passes both
    advance(gm, golarion, 10, django_capture_on_commit_callbacks)
    fired = due_work.fire_due(golarion.main_branch.pk)

    # then the broken one is done with its reason, wrote nothing, and the good one applied
    assert [item.kind for item in fired] == ["deferred_effect_failed", "deferred_effect"]
    broken.refresh_from_db()
    assert broken.done_at is not None
    assert "could not be applied" in broken.error
    assert not EffectExecution.objects.filter(effect__uid=broken.entity_uid).exists()
    good.refresh_from_db()
    assert good.error == ""
    town.refresh_from_db()
    assert town.variables["gold"] == 20
    failure = AuditLog.objects.filter(entity_type="deferred_work", entity_id=str(broken.uid))
    assert (failure.latest("pk").new_state or {})["error"] == broken.error


def test_a_dry_run_of_a_resolution_schedules_nothing(gm: Actor, golarion: Campaign) -> None:
    # given an event that triggers one scheduled later in world time
    spark = builders.event(gm, golarion)
    later = builders.event(gm, golarion, scheduled_at=iso(START + 8 * DAY))
    builders.link(gm, golarion, spark, later, link_type="triggers")

    # when it is rehearsed, then completed
    complete_event(gm, event_id=spark.uid, dry_run=True)
    rehearsed = DeferredWork.objects.count()
    complete_event(gm, event_id=spark.uid)

    # then only the real completion left the later event to the clock, audited
    assert rehearsed == 0
    (row,) = DeferredWork.objects.all()
    assert (row.entity_type, row.entity_uid, row.due_at) == ("event", later.uid, START + 8 * DAY)
    assert row.scheduled_by == f"event:{spark.uid}"
    assert AuditLog.objects.filter(entity_type="deferred_work", entity_id=str(row.uid)).exists()


@pytest.mark.parametrize(
    ("at", "field"),
    [(None, "at"), (START, "at"), (START - DAY, "at"), ("not a time", "at")],
)
def test_an_effect_deferred_to_no_later_world_time_is_refused(
    gm: Actor, golarion: Campaign, town: Settlement, at: object, field: str
) -> None:
    tax = effect_on(gm, builders.event(gm, golarion), town, gold(5))

    with pytest.raises(ValidationError) as refused:
        defer_effect(gm, effect_id=tax.uid, at=at)  # type: ignore[arg-type]

    assert refused.value.field == field
    assert not DeferredWork.objects.exists()


def test_an_effect_deferred_twice_to_one_time_is_refused(
    gm: Actor, golarion: Campaign, town: Settlement
) -> None:
    row = deferred_effect(gm, golarion, town, 4, payload=gold(5))

    with pytest.raises(ValidationError) as refused:
        defer_effect(gm, effect_id=row.entity_uid, at=START + 4 * DAY)

    assert refused.value.field == "at"
    assert DeferredWork.objects.count() == 1


DEFER = """mutation Defer($input: DeferEffectInput!) {
  deferEffect(input: $input) { id entityType entityId dueAt scheduledBy doneAt error } }"""
LIST = """query Deferred($c: ID!, $pending: Boolean) {
  deferredWork(campaignId: $c, pending: $pending) { id entityType dueAt doneAt error } }"""


def test_an_effect_is_deferred_and_fires_through_graphql(
    gql: GraphQLClient,
    gm: Actor,
    golarion: Campaign,
    town: Settlement,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    # given an effect deferred to day 3 through the API
    tax = effect_on(gm, builders.event(gm, golarion), town, gold(30))
    deferred = ok(
        gql(DEFER, {"input": {"effectId": str(tax.uid), "at": iso(START + 3 * DAY)}}, "gm")
    )["deferEffect"]
    assert (deferred["entityType"], deferred["entityId"]) == ("effect", str(tax.uid))
    assert (deferred["scheduledBy"], deferred["doneAt"], deferred["error"]) == (
        "deferEffect", None, ""
    )  # fmt: skip
    pending = ok(gql(LIST, {"c": str(golarion.pk), "pending": True}, "viewer"))["deferredWork"]

    # when the clock passes it and the due work fires
    due = advance(gm, golarion, 4, django_capture_on_commit_callbacks)
    fired = jobs.fire_due_work(golarion.main_branch.pk)

    # then it was due, fired, and is listed as done
    assert [row["id"] for row in pending] == [deferred["id"]]
    assert (due, fired["kinds"]) == (1, ["deferred_effect"])
    town.refresh_from_db()
    assert town.variables["gold"] == 30
    listed = ok(gql(LIST, {"c": str(golarion.pk)}, "viewer"))["deferredWork"]
    assert [(row["id"], row["doneAt"] is not None) for row in listed] == [(deferred["id"], True)]
    assert ok(gql(LIST, {"c": str(golarion.pk), "pending": True}, "gm"))["deferredWork"] == []


def test_a_deferral_to_the_past_is_refused_through_graphql_naming_the_field(
    gql: GraphQLClient, gm: Actor, golarion: Campaign, town: Settlement
) -> None:
    tax = effect_on(gm, builders.event(gm, golarion), town, gold(30))

    body = gql(DEFER, {"input": {"effectId": str(tax.uid), "at": iso(START - DAY)}}, "gm")

    assert code_of(body) == "BAD_REQUEST"
    assert error_of(body)["extensions"]["field"] == "at"
    assert not DeferredWork.objects.exists()
