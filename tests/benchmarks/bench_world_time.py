"""What advancing world time costs when it sets off due work, against a baseline measured in the
same run: the same writes made directly through the entities' update actions, without the
scheduler (so the difference is what claiming, ordering and bookkeeping add).

Two figures, each as time and SQL queries (in all and per item):

* 1,000 due items: 1,000 overdue events, expired by one advance (baseline: 1,000
  ``update_event`` calls marking them completed);
* 1,000 periods of one recurring rule: a daily growth of a settlement's population (a JSONLogic
  ``valueRule``), applied 1,000 times by one advance of 1,000 days (baseline: 1,000
  ``update_settlement`` calls writing the same values);
* 1,000 deferred effects, a minute apart, each writing a settlement's gold, fired by one advance
  (baseline: the same 1,000 effects applied by ``execute_effect``, the effect path without the
  scheduler).

Name figures to measure only those (``due``, ``recurring``, ``deferred``); all by default.

Run from the repository root: ``.venv/bin/python -m tests.benchmarks.bench_world_time``. It builds
a throwaway test database on the configured backend (SQLite by default; set ``DATABASE_URL`` to
measure PostgreSQL); tasks run in-process. It prints figures, no verdicts.
"""

import datetime
import sys
import time
from collections.abc import Callable
from typing import Any

from tests.benchmarks.harness import throwaway_databases  # first: it sets Django up

# isort: split
from django.db import connection

ITEMS = 1_000
DAY = datetime.timedelta(days=1)
START = datetime.datetime(4707, 1, 1, tzinfo=datetime.UTC)


def scene() -> Any:
    """A GM, a campaign whose clock reads START, a kingdom."""
    from campaign.actions import campaigns, kingdoms, worlds
    from campaign.models import User
    from kernel.actor import Actor

    gm = Actor(User.objects.create_user(f"gm{time.time_ns()}@example.com", "horse battery"))
    world = worlds.create_world(gm, data={"name": "Golarion"})
    campaign = campaigns.create_campaign(
        gm, world_id=world.pk, data={"name": "Kingmaker"}, current_world_time=START
    )
    kingdom = kingdoms.create_kingdom(gm, campaign_id=campaign.pk, data={"name": "Brevoy"})
    return gm, campaign, kingdom


def measured(run: Callable[[], Any]) -> tuple[float, int]:
    """How long ``run`` took and how many SQL statements it sent."""
    sent = 0

    def count(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        nonlocal sent
        sent += 1
        return execute(sql, params, many, context)

    with connection.execute_wrapper(count):
        started = time.perf_counter()
        run()
        elapsed = time.perf_counter() - started
    return elapsed, sent


def report(title: str, baseline: tuple[float, int], scheduled: tuple[float, int]) -> None:
    print(f"\n{title}")
    for name, (elapsed, queries) in (("baseline: direct updates", baseline),
                                     ("advanceWorldTime + due work", scheduled)):  # fmt: skip
        print(
            f"  {name:30s} {elapsed * 1000:9.0f} ms  {elapsed / ITEMS * 1000:7.2f} ms/item"
            f"  {queries:7d} queries  {queries / ITEMS:5.1f}/item"
        )
    print(
        f"  RATIO advance/baseline: time {scheduled[0] / baseline[0]:.2f}x,"
        f" queries {scheduled[1] / baseline[1]:.2f}x"
    )


def events(gm: Any, campaign: Any, count: int) -> list[Any]:
    from campaign.actions import events as event_actions

    return [
        event_actions.create_event(
            gm,
            campaign_id=campaign.pk,
            # A minute apart, all overdue once the clock moves 100 days.
            data={
                "name": f"Event {n}",
                "event_type": "story",
                "scheduled_at": START + n * datetime.timedelta(minutes=1),
            },
        )
        for n in range(count)
    ]


def bench_due_items() -> None:
    from campaign.actions import events as event_actions
    from scheduler.world_time import advance_world_time

    gm, campaign, _ = scene()
    direct = events(gm, campaign, ITEMS)
    baseline = measured(
        lambda: [
            event_actions.update_event(gm, event_id=e.uid, data={"is_completed": True})
            for e in direct
        ]
    )
    gm, campaign, _ = scene()
    events(gm, campaign, ITEMS)
    scheduled = measured(
        lambda: advance_world_time(gm, campaign_id=campaign.pk, to=START + 100 * DAY)
    )
    report(f"{ITEMS} overdue events expired by one advance", baseline, scheduled)


def bench_recurring_periods() -> None:
    from campaign.actions import settlements
    from scheduler.recurring import attach_recurring_effect
    from scheduler.world_time import advance_world_time
    from tests import builders

    def town(gm: Any, campaign: Any, kingdom: Any) -> Any:
        return builders.settlement(
            gm,
            kingdom,
            variable_schemas=[{"name": "population", "type": "number"}],
            variables={"population": 0},
        )

    gm, campaign, kingdom = scene()
    restov = town(gm, campaign, kingdom)
    baseline = measured(
        lambda: [
            settlements.update_settlement(
                gm, settlement_id=restov.uid, data={"variables": {"population": n + 1}}
            )
            for n in range(ITEMS)
        ]
    )
    gm, campaign, kingdom = scene()
    restov = town(gm, campaign, kingdom)
    attach_recurring_effect(
        gm,
        target_type="settlement",
        target_id=restov.uid,
        data={
            "name": "Growth",
            "payload": [
                {
                    "op": "replace",
                    "path": "/variables/population",
                    "valueRule": {"+": [{"var": "variables.population"}, 1]},
                }
            ],
            "period_days": 1,
        },
    )
    scheduled = measured(
        lambda: advance_world_time(gm, campaign_id=campaign.pk, to=START + ITEMS * DAY)
    )
    restov.refresh_from_db()
    if restov.variables["population"] != ITEMS:
        raise SystemExit(f"expected {ITEMS} applications, found {restov.variables}")
    report(f"{ITEMS} periods of a daily recurring rule applied by one advance", baseline, scheduled)


def bench_deferred_effects() -> None:
    from rules import actions as rules
    from rules.deferred_work import defer_effect
    from rules.effects import execute_effect
    from scheduler.world_time import advance_world_time
    from tests import builders

    def effects(gm: Any, campaign: Any, kingdom: Any) -> list[Any]:
        town = builders.settlement(
            gm,
            kingdom,
            variable_schemas=[{"name": "gold", "type": "number"}],
            variables={"gold": 0},
        )
        source = builders.event(gm, campaign)
        return [
            rules.create_effect(
                gm,
                data={
                    "entity_type": "event",
                    "entity_id": str(source.uid),
                    "target_type": "settlement",
                    "target_id": str(town.uid),
                    "name": f"Tithe {n}",
                    "effect_type": "patch",
                    "payload": [{"op": "replace", "path": "/variables/gold", "value": n + 1}],
                },
            )
            for n in range(ITEMS)
        ]

    gm, campaign, kingdom = scene()
    direct = effects(gm, campaign, kingdom)
    baseline = measured(lambda: [execute_effect(gm, effect_id=e.uid) for e in direct])
    gm, campaign, kingdom = scene()
    for n, effect in enumerate(effects(gm, campaign, kingdom)):
        defer_effect(gm, effect_id=effect.uid, at=START + (n + 1) * datetime.timedelta(minutes=1))
    scheduled = measured(
        lambda: advance_world_time(gm, campaign_id=campaign.pk, to=START + ITEMS * DAY)
    )
    from rules.models import DeferredWork

    if DeferredWork.objects.filter(done_at__isnull=False, error="").count() != ITEMS:
        raise SystemExit(f"expected {ITEMS} deferred effects done without error")
    report(f"{ITEMS} deferred effects fired by one advance", baseline, scheduled)


BENCHES = {
    "due": bench_due_items,
    "recurring": bench_recurring_periods,
    "deferred": bench_deferred_effects,
}


def main() -> None:
    from config.celery import app as celery_app

    celery_app.conf.task_always_eager = True  # the due work runs in this process, measured
    with throwaway_databases():
        print(f"Backend: {connection.vendor}")
        for name in sys.argv[1:] or BENCHES:
            BENCHES[name]()


if __name__ == "__main__":
    main()
