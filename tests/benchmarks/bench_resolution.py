"""What completing an event with 20 effects costs (rules.resolution.complete_event: lock, links
and conditions checked, PRE/ON_RESOLVE/POST effects each through apply_patch and the target's
update action with its version, audit row and execution record), against a baseline measured in
the same run: one plain settlement update through its action (update_settlement), the write
every effect makes once.

Printed: p50/p95 latency and SQL queries of each, the ratio, and the cost per effect. Run from
the repository root: ``.venv/bin/python -m tests.benchmarks.bench_resolution``. It builds a
throwaway test database on the configured backend (SQLite by default; set ``DATABASE_URL`` to
measure PostgreSQL) and prints figures, no verdicts.
"""

import statistics
import time
from collections.abc import Callable
from functools import partial
from typing import Any

from tests.benchmarks.harness import throwaway_databases  # first: it sets Django up

# isort: split
from django.db import connection
from django.test.utils import CaptureQueriesContext

EFFECTS = 20
RUNS = 20
TIMINGS = ("PRE", "ON_RESOLVE", "POST")


def seed() -> tuple[Any, Any, list[Any]]:
    """A settlement and ``RUNS`` events, each with ``EFFECTS`` effects on it (spread over the
    three timings, each expecting what the previous one wrote)."""
    from campaign.actions import campaigns, kingdoms, worlds
    from campaign.models import User
    from kernel.actor import Actor
    from rules import actions as rules
    from tests import builders

    owner = Actor(User.objects.create_user("bench@example.com", "correct horse battery staple"))
    world = worlds.create_world(owner, data={"name": "Golarion"})
    campaign = campaigns.create_campaign(owner, world_id=world.pk, data={"name": "Kingmaker"})
    kingdom = kingdoms.create_kingdom(owner, campaign_id=campaign.pk, data={"name": "Brevoy"})
    town = builders.settlement(owner, kingdom, name="Restov", variables={"step": 0})
    events = []
    for _ in range(RUNS):
        event = builders.event(owner, campaign)
        for n in range(EFFECTS):
            rules.create_effect(
                owner,
                data={
                    "entity_type": "event",
                    "entity_id": str(event.uid),
                    "target_type": "settlement",
                    "target_id": str(town.uid),
                    "name": f"Step {n}",
                    "effect_type": "patch",
                    "timing": TIMINGS[n * len(TIMINGS) // EFFECTS],
                    "priority": n,
                    "payload": [
                        {"op": "replace", "path": "/variables/step", "value": n + 1},
                        {"op": "add", "path": f"/variables/seen_{n}", "value": True},
                    ],
                },
            )
        events.append(event)
    return owner, town, events


def measure(call: Callable[[], Any]) -> tuple[float, int]:
    connection.queries_log.clear()  # a full log would count nothing
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        call()
        elapsed = time.perf_counter() - started
    return elapsed, len(queries)


def percentile(samples: list[float], fraction: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(fraction * (len(ordered) - 1)))]


def main() -> None:
    with throwaway_databases():
        from campaign.actions import settlements
        from campaign.models import Settlement
        from rules.resolution import complete_event

        owner, town, events = seed()

        def reset() -> None:
            # Each completion starts from the state its effects expect.
            Settlement.objects.filter(pk=town.pk).update(variables={"step": 0})

        runs: dict[str, list[tuple[float, int]]] = {"baseline": [], "resolution": []}
        for number, event in enumerate(events):  # interleaved: a busy moment hits both alike
            runs["baseline"].append(
                measure(
                    partial(
                        settlements.update_settlement,
                        owner,
                        settlement_id=town.uid,
                        data={"level": number % 10 + 1},
                    )
                )
            )
            reset()
            runs["resolution"].append(measure(partial(complete_event, owner, event_id=event.uid)))
        print(
            f"Completing an event with {EFFECTS} effects on one settlement, {RUNS} events"
            f" ({connection.vendor})"
        )
        for name, label in (
            ("baseline", "baseline: one update_settlement"),
            ("resolution", f"complete_event, {EFFECTS} effects"),
        ):
            times = [t for t, _ in runs[name]]
            queries = statistics.median(q for _, q in runs[name])
            print(
                f"  {label:36s} p50 {percentile(times, 0.5) * 1000:8.2f} ms"
                f"  p95 {percentile(times, 0.95) * 1000:8.2f} ms  queries {queries:5.0f}"
            )
        base = statistics.median(t for t, _ in runs["baseline"])
        cost = statistics.median(t for t, _ in runs["resolution"])
        base_q = statistics.median(q for _, q in runs["baseline"])
        cost_q = statistics.median(q for _, q in runs["resolution"])
        print(f"  RATIO resolution/baseline = {cost / base:.1f}x (p50)")
        print(
            f"  per effect: {(cost - base) / EFFECTS * 1000:.2f} ms and"
            f" {(cost_q - base_q) / EFFECTS:.1f} queries beyond the completion's own update"
        )


if __name__ == "__main__":
    main()
