"""Computed fields at scale: 1,000 settlements with 5 conditions each, cold and warm, and the
latency of one ``settlement { computedFields }`` request — each against a baseline measured in
the same run (reading the same rows without rules; the same request without computed fields).

Run from the repository root: ``.venv/bin/python -m tests.benchmarks.bench_computed_fields``.
It builds a throwaway test database on the configured backend (SQLite by default; set
``DATABASE_URL``/``REDIS_URL`` to measure PostgreSQL and Redis) and prints figures, no verdicts.
"""

import json
import statistics
import time
from collections.abc import Callable
from typing import Any

from tests.benchmarks.harness import throwaway_databases  # first: it sets Django up

# isort: split
from django.core.cache import cache
from django.test import Client

SETTLEMENTS = 1000
CONDITIONS_PER_SETTLEMENT = 5
REQUESTS = 300

EXPRESSIONS = [
    {
        "and": [
            {">=": [{"var": "settlement.level"}, 3]},
            {">": [{"var": "settlement.variables.population"}, 5000]},
        ]
    },
    {
        "if": [
            {">": [{"var": "settlement.variables.population"}, 10000]},
            "thriving",
            {">": [{"var": "settlement.variables.population"}, 5000]},
            "prosperous",
            "stable",
        ]
    },
    {"*": [{"var": "settlement.level"}, {"var": "kingdom.level"}, 10]},
    {">=": [{"var": "settlement.structures.count"}, 2]},
    {"in": ["market", {"var": "settlement.name"}]},
]


def timed(run: Callable[[], Any]) -> float:
    started = time.perf_counter()
    run()
    return time.perf_counter() - started


def seed() -> tuple[Any, list[Any]]:
    from campaign.actions import campaigns, kingdoms, worlds
    from campaign.models import Location, Settlement, Structure, User
    from kernel.actor import Actor
    from rules.models import FieldCondition

    owner = User.objects.create_user("bench@example.com", "bench-password-123")
    actor = Actor(owner)
    world = worlds.create_world(actor, data={"name": "Bench world"})
    campaign = campaigns.create_campaign(actor, world_id=world.pk, data={"name": "Bench campaign"})
    kingdom = kingdoms.create_kingdom(
        actor, campaign_id=campaign.pk, data={"name": "Bench kingdom", "level": 3}
    )
    branch = kingdom.branch
    locations = Location.objects.bulk_create(
        Location(
            world=world,
            type="point",
            name=f"L{n}",
            geometry={"type": "Point", "coordinates": [n, n]},
            min_x=n,
            min_y=n,
            max_x=n,
            max_y=n,
        )
        for n in range(SETTLEMENTS)
    )
    settlements = Settlement.objects.bulk_create(
        Settlement(
            branch=branch,
            kingdom=kingdom,
            location=location,
            name=f"Town {n} market",
            level=1 + n % 10,
            variables={"population": 1000 * (n % 20)},
        )
        for n, location in enumerate(locations)
    )
    Structure.objects.bulk_create(
        Structure(branch=branch, settlement=s, type="market", name=f"Market {s.pk}")
        for s in settlements[::2]
    )
    FieldCondition.objects.bulk_create(
        FieldCondition(
            branch=branch,
            target_type="settlement",
            target_uid=s.uid,
            field=f"field_{i}",
            expression=expression,
            priority=i,
        )
        for s in settlements
        for i, expression in enumerate(EXPRESSIONS[:CONDITIONS_PER_SETTLEMENT])
    )
    return owner, list(Settlement.objects.filter(branch=branch).select_related("branch"))


def bench_batch(settlements: list[Any]) -> None:
    from campaign.models import Settlement
    from rules import computed_fields

    pks = [s.pk for s in settlements]

    def baseline() -> None:
        list(Settlement.objects.filter(pk__in=pks).select_related("branch__campaign", "kingdom"))

    def evaluate() -> None:
        computed_fields.for_entities(settlements)

    base = min(timed(baseline) for _ in range(5))
    cache.clear()
    cold = timed(evaluate)
    warm = min(timed(evaluate) for _ in range(5))
    cache.clear()

    def cold_evaluate() -> None:
        cache.clear()
        evaluate()

    colds = [timed(cold_evaluate) for _ in range(3)]
    per_entity_us = min(colds) / len(settlements) * 1e6
    print(f"\n{len(settlements)} settlements x {CONDITIONS_PER_SETTLEMENT} conditions")
    print(f"  baseline: read the rows               {base * 1000:8.1f} ms")
    print(f"  computed fields, cold (first run)     {cold * 1000:8.1f} ms")
    print(
        f"  computed fields, cold (best of 3)     {min(colds) * 1000:8.1f} ms"
        f"  ({per_entity_us:.0f} us per settlement)"
    )
    print(f"  computed fields, warm (cache hits)    {warm * 1000:8.1f} ms")
    print(
        f"  RATIO cold/baseline = {min(colds) / base:.1f}x, warm/baseline = {warm / base:.1f}x,"
        f" cold/warm = {min(colds) / warm:.1f}x"
    )


def percentile(samples: list[float], p: float) -> float:
    ordered = sorted(samples)
    return ordered[min(len(ordered) - 1, round(p / 100 * (len(ordered) - 1)))]


def bench_requests(owner: Any, settlements: list[Any]) -> None:
    from campaign.auth.tokens import issue_access_token

    client = Client()
    headers = {"Authorization": f"Bearer {issue_access_token(owner)}"}

    def request(selection: str, settlement: Any) -> float:
        # Like a real client: one operation text, the id as a variable.
        body = json.dumps(
            {
                "query": f"query($id: ID!) {{ settlement(id: $id) {{ {selection} }} }}",
                "variables": {"id": str(settlement.uid)},
            }
        )
        started = time.perf_counter()
        response = client.post("/graphql", body, content_type="application/json", headers=headers)
        elapsed = time.perf_counter() - started
        if response.status_code != 200 or "errors" in response.json():
            raise SystemExit(f"the benchmark request failed: {response.content!r}")
        return elapsed

    sample = settlements[:REQUESTS]
    for settlement in sample:  # warm the computed-field cache and the code paths
        request("id computedFields", settlement)
    runs = {
        "baseline { id name level }": [request("id name level", s) for s in sample],
        "{ id computedFields } warm": [request("id computedFields", s) for s in sample],
    }
    cache.clear()
    runs["{ id computedFields } cold"] = [request("id computedFields", s) for s in sample]
    print(f"\nGraphQL settlement(id) latency over {len(sample)} requests (in-process client)")
    for name, samples in runs.items():
        print(
            f"  {name:32s} p50 {percentile(samples, 50) * 1000:6.2f} ms"
            f"  p95 {percentile(samples, 95) * 1000:6.2f} ms"
            f"  mean {statistics.fmean(samples) * 1000:6.2f} ms"
        )
    base = percentile(runs["baseline { id name level }"], 95)
    warm = percentile(runs["{ id computedFields } warm"], 95)
    cold = percentile(runs["{ id computedFields } cold"], 95)
    print(
        f"  RATIO p95 warm/baseline = {warm / base:.2f}x, cold/baseline = {cold / base:.2f}x"
        " (targets: warm < 5 ms, cold < 50 ms p95)"
    )


def main() -> None:
    with throwaway_databases():
        owner, settlements = seed()
        bench_batch(settlements)
        bench_requests(owner, settlements)


if __name__ == "__main__":
    main()
