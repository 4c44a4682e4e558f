"""What reading audit rows as clients read them costs (campaign/history_shapes.py: snapshot keys
re-cased, the top-level diff computed, the stored patch re-cased), against a baseline measured in
the same run: the same rows' stored columns handed out as they are.

Two figures: the shaping of 100 settlement-update rows alone, and the latency of the audit page
request ``userAuditHistory(limit: 100)`` selecting the shaped fields, against the same request
selecting only unshaped columns.

Run from the repository root: ``.venv/bin/python -m tests.benchmarks.bench_audit_shapes``.
It builds a throwaway test database on the configured backend (SQLite by default; set
``DATABASE_URL`` to measure PostgreSQL) and prints figures, no verdicts.
"""

import json
import statistics
import time
from collections.abc import Callable
from typing import Any

from tests.benchmarks.harness import throwaway_databases  # first: it sets Django up

# isort: split
from django.test import Client

ROWS = 100
REPEATS = 200
REQUESTS = 100
SHAPED = "id previousState newState changes diff patch"
UNSHAPED = "id entityType entityId operation userId metadata timestamp"


def seed() -> Any:
    """A settlement updated ``ROWS`` times, its variables with users' own key names."""
    from campaign.actions import campaigns, kingdoms, settlements, worlds
    from campaign.models import User
    from kernel.actor import Actor
    from tests import builders

    user = User.objects.create_user("bench@example.com", "correct horse battery staple")
    owner = Actor(user)
    world = worlds.create_world(owner, data={"name": "Golarion"})
    campaign = campaigns.create_campaign(owner, world_id=world.pk, data={"name": "Kingmaker"})
    kingdom = kingdoms.create_kingdom(owner, campaign_id=campaign.pk, data={"name": "Brevoy"})
    settlement = builders.settlement(owner, kingdom, name="Restov")
    for n in range(ROWS):
        settlements.update_settlement(
            owner,
            settlement_id=settlement.uid,
            data={"level": n % 10 + 1, "variables": {"trade_goods": n, "guard_posts": [n, n]}},
        )
    return user


def per_row_microseconds(run: Callable[[], Any], rows: int) -> float:
    samples = []
    for _ in range(REPEATS):
        started = time.perf_counter()
        run()
        samples.append(time.perf_counter() - started)
    return statistics.median(samples) / rows * 1e6


def bench_shaping() -> None:
    from campaign import history_shapes
    from campaign.models import AuditLog

    entries = list(AuditLog.objects.filter(operation="UPDATE", entity_type="settlement"))

    def raw() -> list[tuple[Any, ...]]:
        return [(e.previous_state, e.new_state, e.changes, e.diff) for e in entries]

    def shaped() -> list[tuple[Any, ...]]:
        return [
            (
                history_shapes.previous_state(e),
                history_shapes.new_state(e),
                history_shapes.changes(e),
                history_shapes.diff(e),
                history_shapes.patch(e),
            )
            for e in entries
        ]

    base, cost = per_row_microseconds(raw, len(entries)), per_row_microseconds(shaped, len(entries))
    print(f"Shaping {len(entries)} settlement-update audit rows (median of {REPEATS} passes)")
    print(f"  baseline: stored columns as they are   {base:8.2f} µs a row")
    print(f"  shaped: states, changes, diff, patch   {cost:8.2f} µs a row")
    print(f"  added by shaping                       {cost - base:8.2f} µs a row")


def bench_request(user: Any) -> None:
    from campaign.auth.tokens import issue_access_token

    client = Client()
    headers = {"Authorization": f"Bearer {issue_access_token(user)}"}

    def request(selection: str) -> float:
        body = json.dumps(
            {
                "query": "query($u: ID!) { userAuditHistory(userId: $u, limit: 100) "
                f"{{ {selection} }} }}",
                "variables": {"u": str(user.pk)},
            }
        )
        started = time.perf_counter()
        response = client.post("/graphql", body, content_type="application/json", headers=headers)
        elapsed = time.perf_counter() - started
        if response.status_code != 200 or "errors" in response.json():
            raise SystemExit(f"the benchmark request failed: {response.content!r}")
        return elapsed

    request(SHAPED)  # warm the code paths and the document cache
    request(UNSHAPED)
    runs: dict[str, list[float]] = {
        "baseline (unshaped columns)": [],
        "shaped (states, diff, patch)": [],
    }
    for _ in range(REQUESTS):  # interleaved, so a busy moment of the machine hits both alike
        runs["baseline (unshaped columns)"].append(request(UNSHAPED))
        runs["shaped (states, diff, patch)"].append(request(SHAPED))
    print(f"\nuserAuditHistory(limit: 100) over {REQUESTS} requests (in-process client)")
    for name, samples in runs.items():
        print(f"  {name:30s} median {statistics.median(samples) * 1000:7.2f} ms")
    ratio = statistics.median(runs["shaped (states, diff, patch)"]) / statistics.median(
        runs["baseline (unshaped columns)"]
    )
    print(f"  RATIO shaped/baseline = {ratio:.2f}x (the shaped page also carries the snapshots)")


def main() -> None:
    with throwaway_databases():
        user = seed()
        bench_shaping()
        bench_request(user)


if __name__ == "__main__":
    main()
