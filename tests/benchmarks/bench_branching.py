"""What forking a branch and previewing a merge cost, for a campaign of 5,000 entities, against a
baseline measured in the same run: the same operations on a campaign of 50.

The fork copies rows with one ``INSERT … SELECT`` per kind (campaign/branch_copy.py); the merge
preview reads the base, source and target states from history with one query per branch level
(campaign/time_travel.py). Neither number of SQL queries should grow with the entities; the time
does (the rows are copied and compared), and the goal is under 2 s each on PostgreSQL.

Before each preview, 100 entities are changed on each side (half of them the same ones, so the
preview finds conflicts). Entities are seeded in bulk with their creation versions, as the
create actions write them (seeding 5,000 through the actions would take minutes).

Run from the repository root: ``.venv/bin/python -m tests.benchmarks.bench_branching``.
It builds a throwaway test database on the configured backend (SQLite by default; set
``DATABASE_URL`` to measure PostgreSQL) and prints figures, no verdicts.
"""

import time
from typing import Any

from tests.benchmarks.harness import throwaway_databases  # first: it sets Django up

# isort: split
from django.db import connection
from django.test.utils import CaptureQueriesContext

SIZES = (50, 5_000)
CHANGED = 100


def seed(owner: Any, entities: int) -> Any:
    """A campaign whose main branch holds ``entities`` rows: kingdoms (2%), settlements (20%),
    structures (38%), parties (20%) and characters (20%), each with its creation version."""
    from campaign import world_time
    from campaign.actions import campaigns, worlds
    from campaign.models import (
        Branch,
        Character,
        Kingdom,
        Location,
        Party,
        Settlement,
        Structure,
        Version,
    )
    from kernel.snapshots import snapshot

    world = worlds.create_world(owner, data={"name": f"World {entities}"})
    campaign = campaigns.create_campaign(owner, world_id=world.pk, data={"name": "Kingmaker"})
    main = Branch.objects.get(campaign=campaign, parent__isnull=True)
    share = {k: entities * p // 100 for k, p in (("k", 2), ("s", 20), ("p", 20), ("c", 20))}
    share["t"] = entities - sum(share.values())
    point = {"type": "Point", "coordinates": [0, 0]}
    kingdoms = Kingdom.objects.bulk_create(
        [Kingdom(branch=main, name=f"Kingdom {i}") for i in range(share["k"])]
    )
    places = Location.objects.bulk_create(
        [
            Location(world=world, type="point", name=f"Place {i}", geometry=point)
            for i in range(share["s"])
        ]
    )
    towns = Settlement.objects.bulk_create(
        [
            Settlement(
                branch=main, kingdom=kingdoms[i % len(kingdoms)], location=p, name=f"Town {i}"
            )
            for i, p in enumerate(places)
        ]
    )
    buildings = Structure.objects.bulk_create(
        [
            Structure(branch=main, settlement=towns[i % len(towns)], type="mill", name=f"Mill {i}")
            for i in range(share["t"])
        ]
    )
    parties = Party.objects.bulk_create(
        [Party(branch=main, name=f"Party {i}") for i in range(share["p"])]
    )
    people = Character.objects.bulk_create(
        [Character(branch=main, party=parties[i], name=f"Hero {i}") for i in range(share["c"])]
    )
    rows: list[Any] = [*kingdoms, *towns, *buildings, *parties, *people]
    Version.objects.bulk_create(
        [
            Version(
                entity_type=row.entity_type,
                entity_uid=row.uid,
                branch=main,
                valid_from=world_time.ORIGIN,
                sequence=1,
                snapshot=snapshot(row),
                operation="CREATE",
                author=owner.user,
            )
            for row in rows
        ],
        batch_size=1000,
    )
    return main, towns


def measure(run: Any) -> tuple[float, int, Any]:
    with CaptureQueriesContext(connection) as queries:
        started = time.perf_counter()
        result = run()
        elapsed = time.perf_counter() - started
    return elapsed, len(queries.captured_queries), result


def bench(owner: Any, entities: int) -> dict[str, tuple[float, int]]:
    from campaign.actions import branches, merges, settlements

    main, towns = seed(owner, entities)
    forked_at = "2025-01-02T00:00:00Z"
    fork_time, fork_queries, (child, copied) = measure(
        lambda: branches.fork_branch(
            owner, source_branch_id=main.pk, data={"name": "Fork", "world_time": forked_at}
        )
    )
    assert copied == entities, copied
    changed = min(CHANGED, len(towns))
    for i, town in enumerate(towns[:changed]):
        settlements.update_settlement(
            owner, settlement_id=town.uid, data={"name": f"Fork {i}"}, branch_id=child.pk
        )
    for i, town in enumerate(towns[changed // 2 : changed // 2 + changed]):
        settlements.update_settlement(owner, settlement_id=town.uid, data={"name": f"Main {i}"})
    preview_time, preview_queries, plan = measure(
        lambda: merges.preview_merge(
            owner,
            source_branch_id=child.pk,
            target_branch_id=main.pk,
            world_time="2025-01-03T00:00:00Z",
        )
    )
    print(
        f"  {entities:>5} entities: fork {fork_time * 1000:7.1f} ms, {fork_queries:3} queries"
        f" ({copied} rows copied); merge preview {preview_time * 1000:7.1f} ms,"
        f" {preview_queries:3} queries ({len(plan.entities)} entities to merge,"
        f" {plan.total_conflicts} conflicts)"
    )
    return {"fork": (fork_time, fork_queries), "preview": (preview_time, preview_queries)}


def main() -> None:
    with throwaway_databases():
        from campaign.models import User
        from kernel.actor import Actor

        user = User.objects.create_user("bench@example.com", "correct horse battery staple")
        owner = Actor(user)
        print(f"Branching on {connection.vendor}:")
        small, large = (bench(owner, size) for size in SIZES)
        for what in ("fork", "preview"):
            (t0, q0), (t1, q1) = small[what], large[what]
            print(
                f"  {what}: {SIZES[1] // SIZES[0]}x the entities -> {t1 / t0:5.1f}x the time,"
                f" {q1 - q0:+d} queries"
            )


if __name__ == "__main__":
    main()
