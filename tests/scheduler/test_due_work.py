"""Advancing world time fires the due work in the order it fell due: recurring effects, once per
period, each application versioned and audited; overdue events, expired. Firing again applies
nothing twice."""

import datetime
from collections.abc import Callable
from typing import Any

import pytest

from campaign.actions import entities
from campaign.models import AuditLog, Campaign, Event, Settlement, Version
from kernel.actor import Actor
from kernel.errors import ValidationError
from kernel.snapshots import iso
from rules import actions as rules
from scheduler import jobs
from scheduler.models import RecurringEffect
from scheduler.recurring import attach_recurring_effect
from scheduler.world_time import advance_world_time
from tests import builders
from tests.conftest import Personas
from tests.scheduler.conftest import DAY, START

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("eager")]

GROWTH = [
    {
        "op": "replace",
        "path": "/variables/population",
        "valueRule": {"min": [{"+": [{"var": "variables.population"}, 10]}, 1035]},
    }
]


@pytest.fixture
def gm(personas: Personas) -> Actor:
    return personas.actor("gm")


@pytest.fixture
def town(gm: Actor, golarion: Campaign) -> Settlement:
    kingdom = builders.kingdom(gm, golarion)
    return builders.settlement(
        gm,
        kingdom,
        variable_schemas=[{"name": "population", "type": "number"}],
        variables={"population": 1000},
    )


def weekly_growth(gm: Actor, town: Settlement, **data: Any) -> RecurringEffect:
    return attach_recurring_effect(
        gm,
        target_type="settlement",
        target_id=town.uid,
        data={"name": "Growth", "payload": GROWTH, "period_days": 7, **data},
    )


def advanced(
    gm: Actor, campaign: Campaign, to: datetime.datetime, capture: Callable[..., Any]
) -> int:
    """Advance the clock and run what the advance enqueues after commit."""
    with capture(execute=True):
        return advance_world_time(gm, campaign_id=campaign.pk, to=to).due


def test_advancing_30_days_fires_exactly_the_due_work_in_order(
    gm: Actor,
    golarion: Campaign,
    town: Settlement,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    # given a weekly growth (due on days 7, 14, 21, 28) and events on days 3, 10, 25 and 40
    growth = weekly_growth(gm, town)
    scheduled = {
        day: builders.event(gm, golarion, name=f"Day {day}", scheduled_at=iso(START + day * DAY))
        for day in (3, 10, 25, 40)
    }
    first_audit = AuditLog.objects.latest("pk").pk

    # when the clock moves 30 days
    due = advanced(gm, golarion, START + 30 * DAY, django_capture_on_commit_callbacks)

    # then 4 applications and 3 expiries were due, and fired interleaved in world-time order
    assert due == 7
    fired = [
        (row.entity_type, row.entity_id)
        for row in AuditLog.objects.filter(
            pk__gt=first_audit, entity_type__in=("settlement", "event")
        ).order_by("pk")
    ]
    town_id = ("settlement", str(town.uid))
    expected = [
        ("event", str(scheduled[3].uid)),
        town_id,
        ("event", str(scheduled[10].uid)),
        town_id,
        town_id,
        ("event", str(scheduled[25].uid)),
        town_id,
    ]
    assert fired == expected
    # each application computed from the previous one, capped by the rule
    town.refresh_from_db()
    assert town.variables["population"] == 1035
    versions = Version.objects.filter(entity_uid=str(town.uid)).order_by("sequence")
    assert [v.valid_from for v in versions][-4:] == [START + d * DAY for d in (7, 14, 21, 28)]
    assert [(v.snapshot or {})["variables"]["population"] for v in versions][-4:] == [
        1010, 1020, 1030, 1035
    ]  # fmt: skip
    growth.refresh_from_db()
    assert (growth.applied_count, growth.next_due_at) == (4, START + 35 * DAY)
    # and the day-40 event is still to come
    assert not Event.objects.get(pk=scheduled[40].pk).is_completed
    assert Event.objects.get(pk=scheduled[25].pk).occurred_at == START + 30 * DAY


def test_firing_again_applies_nothing_twice(
    gm: Actor,
    golarion: Campaign,
    town: Settlement,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    # given 3 periods fired
    weekly_growth(gm, town)
    advanced(gm, golarion, START + 21 * DAY, django_capture_on_commit_callbacks)
    rows = (Version.objects.count(), AuditLog.objects.count())

    # when every runner fires again (a redelivered task, the periodic job)
    again = jobs.fire_due_work(town.branch_id)
    periodic = jobs.fire_all_due_work()

    # then nothing was due
    assert again["fired"] == 0
    assert periodic == {"branches": 0, "fired": 0}
    assert (Version.objects.count(), AuditLog.objects.count()) == rows
    town.refresh_from_db()
    assert town.variables["population"] == 1030


def test_an_application_that_cannot_apply_suspends_its_effect(
    gm: Actor,
    golarion: Campaign,
    town: Settlement,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    # given an effect that removes a variable the settlement does not have
    broken = weekly_growth(gm, town, payload=[{"op": "remove", "path": "/variables/missing"}])

    # when two periods are due
    advanced(gm, golarion, START + 14 * DAY, django_capture_on_commit_callbacks)

    # then the effect is suspended, saying why, and the settlement is untouched
    broken.refresh_from_db()
    assert broken.is_active is False
    assert "cannot be applied" in broken.last_error
    assert broken.applied_count == 0
    town.refresh_from_db()
    assert town.version == 1


def test_a_recurring_effect_goes_with_its_target(
    gm: Actor, owner: Actor, golarion: Campaign, town: Settlement
) -> None:
    # given
    growth = weekly_growth(gm, town)

    # when the settlement is deleted
    entities.soft_delete(owner, instance=town)

    # then so is its recurring effect
    assert not RecurringEffect.objects.filter(pk=growth.pk).exists()


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"period_days": 0}, "period_days"),
        ({"payload": [{"op": "replace", "path": "/id", "value": 1}]}, "payload.0.path"),
        ({"payload": [{"op": "replace", "path": "/level", "valueRule": {"nope": []}}]},
         "payload.0.valueRule"),
    ],
)  # fmt: skip
def test_a_bad_recurring_effect_is_refused_naming_the_field(
    gm: Actor, town: Settlement, data: dict[str, Any], field: str
) -> None:
    with pytest.raises(ValidationError) as refused:
        weekly_growth(gm, town, **data)
    assert refused.value.field == field


def test_a_world_variable_takes_no_recurring_effect(owner: Actor, golarion: Campaign) -> None:
    # given a variable of the world itself, which lives on no branch and so has no clock
    era = rules.create_state_variable(
        owner,
        data={
            "scope": "world",
            "scope_id": str(golarion.world_id),
            "key": "era",
            "type": "string",
            "value": "Age of Lost Omens",
        },
    )

    # when / then
    with pytest.raises(ValidationError) as refused:
        attach_recurring_effect(
            owner,
            target_type="state_variable",
            target_id=era.uid,
            data={
                "name": "Eras pass",
                "payload": [{"op": "replace", "path": "/value", "value": "Next"}],
                "period_days": 365,
            },
        )
    assert refused.value.field == "targetId"
