"""The generation-keyed cache under a read-heavy mix: hit rate (``kernel.cache_stats``) and
p50/p99 of ``settlement { computedFields }`` requests before a write storm, during it and after
it, against the baseline of the same requests with the cache emptied before each one; every read
made after a write is checked for staleness (the condition reads the settlement's name).

Run from the repository root: ``.venv/bin/python -m tests.benchmarks.bench_cache`` (the embedded
default, or set ``DATABASE_URL``/``REDIS_URL`` to measure PostgreSQL and Redis). Prints figures,
no verdicts.
"""

import json
import random
import time
from typing import Any

from tests.benchmarks.harness import throwaway_databases  # first: it sets Django up

# isort: split
from django.core.cache import cache
from django.test import Client

SETTLEMENTS = 50
READS = 400
WRITES = 40
READS_PER_WRITE = 5
QUERY = "query($id: ID!) { settlement(id: $id) { name computedFields } }"
RENAME = """mutation($id: ID!, $name: String!) {
  updateSettlement(id: $id, input: {name: $name}) { version }
}"""


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def seed() -> tuple[str, list[str]]:
    from campaign.actions import campaigns, kingdoms, settlements, worlds
    from campaign.auth import tokens
    from campaign.models import Location, User
    from kernel.actor import Actor
    from rules import actions as rules

    owner = User.objects.create_user("bench@example.com", "bench-password-123")
    actor = Actor(owner)
    world = worlds.create_world(actor, data={"name": "Bench world"})
    campaign = campaigns.create_campaign(actor, world_id=world.pk, data={"name": "Bench"})
    kingdom = kingdoms.create_kingdom(actor, campaign_id=campaign.pk, data={"name": "Brevoy"})
    ids = []
    for n in range(SETTLEMENTS):
        location = Location.objects.create(world=world, type="point", name=f"L{n}")
        settlement = settlements.create_settlement(
            actor,
            kingdom_id=kingdom.uid,
            data={"name": f"Town {n}", "location_id": str(location.pk)},
        )
        ids.append(str(settlement.uid))
    rules.create_field_condition(
        actor,
        data={
            "entity_type": "settlement",
            "campaign_id": str(campaign.pk),
            "field": "is_market",
            "expression": {"in": ["market", {"var": "settlement.name"}]},
        },
    )
    return tokens.issue_access_token(owner), ids


class Reader:
    def __init__(self, token: str) -> None:
        self.client = Client()
        self.headers = {"Authorization": f"Bearer {token}"}

    def post(self, query: str, variables: dict[str, Any]) -> dict[str, Any]:
        response = self.client.post(
            "/graphql",
            data=json.dumps({"query": query, "variables": variables}),
            content_type="application/json",
            headers=self.headers,
        )
        body: dict[str, Any] = response.json()
        assert not body.get("errors"), body
        return body["data"]

    def read(self, settlement_id: str) -> tuple[float, dict[str, Any]]:
        began = time.perf_counter()
        data = self.post(QUERY, {"id": settlement_id})["settlement"]
        return (time.perf_counter() - began) * 1000, data


def phase(label: str, latencies: list[float]) -> None:
    from kernel import cache_stats

    stats, _ = cache_stats.read()
    [computed] = [s for s in stats if s.namespace == cache_stats.COMPUTED_FIELDS]
    print(
        f"{label:<36} hit rate {computed.hit_rate:6.1%}   p50 {percentile(latencies, 0.5):6.2f} ms"
        f"   p99 {percentile(latencies, 0.99):6.2f} ms   (n={len(latencies)})"
    )
    cache_stats.reset()


def run(token: str, ids: list[str]) -> None:
    from kernel import cache_stats

    reader = Reader(token)
    chosen = random.Random(12)
    baseline = []
    for _ in range(READS // 4):
        cache.clear()
        baseline.append(reader.read(chosen.choice(ids))[0])
    cache_stats.reset()
    phase("baseline: cache emptied before each", baseline)
    for settlement_id in ids:  # warm up
        reader.read(settlement_id)
    cache_stats.reset()
    phase(
        "read-heavy mix, before the storm",
        [reader.read(chosen.choice(ids))[0] for _ in range(READS)],
    )
    stale = 0
    storm = []
    for number in range(WRITES):
        target = chosen.choice(ids)
        name = f"Town {number} market" if number % 2 else f"Town {number}"
        reader.post(RENAME, {"id": target, "name": name})
        elapsed, data = reader.read(target)
        storm.append(elapsed)
        if data["name"] != name or data["computedFields"]["is_market"] != ("market" in name):
            stale += 1
        storm += [reader.read(chosen.choice(ids))[0] for _ in range(READS_PER_WRITE)]
    phase(f"during the storm ({WRITES} writes)", storm)
    phase(
        "read-heavy mix, after the storm",
        [reader.read(chosen.choice(ids))[0] for _ in range(READS)],
    )
    print(f"stale reads after a write: {stale} of {WRITES}")


def main() -> None:
    with throwaway_databases():
        token, ids = seed()
        run(token, ids)


if __name__ == "__main__":
    main()
