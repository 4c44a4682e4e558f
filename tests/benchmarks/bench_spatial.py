"""What the map's spatial queries cost on large worlds (campaign/spatial), against a baseline
measured in the same run: the same answer computed without the bounding-box prefilter (every
location of the world read and tested by shapely).

For worlds of 10,000 and 100,000 locations (nine points for each small square region, spread
evenly over a map 10,000 units square), it times:

* the viewport (``map_layer``) of a box holding about 1,000 features, answered from the database
  (a different box each time, so never from the cache) and from the cache;
* ``locations_near`` with a radius holding about 300 locations, likewise;
* the whole GraphQL request ``mapLayer`` for such a viewport (parsing, authorization,
  serialization), cold;

with the SQL queries each issues. Run from the repository root:
``.venv/bin/python -m tests.benchmarks.bench_spatial``. It builds a throwaway test database on
the configured backend (SQLite by default; set ``DATABASE_URL`` to measure PostgreSQL) and
prints figures, no verdicts.
"""

import json
import math
import os
import random
import statistics
import time
from collections.abc import Callable
from typing import Any

from tests.benchmarks.harness import throwaway_databases  # first: it sets Django up

# isort: split
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

SIZES = (10_000, 100_000)
SIDE = 10_000.0  # the map is SIDE map units square
VIEWPORT_FEATURES = 1_000
NEAR_FEATURES = 300
SAMPLES = 60
BASELINE_SAMPLES = 5


def seed(owner: Any, count: int) -> Any:
    """A world of ``count`` locations, written in bulk (the actions would take minutes and
    measure nothing the queries do); every tenth a small square region."""
    from campaign.actions import campaigns, worlds
    from campaign.models import Location

    world = worlds.create_world(owner, data={"name": f"World of {count}"})
    campaigns.create_campaign(owner, world_id=world.pk, data={"name": f"Campaign of {count}"})
    rows = []
    spread = random.Random(count)
    for n in range(count):
        x, y = spread.uniform(0, SIDE), spread.uniform(0, SIDE)
        if n % 10:
            geometry: dict[str, Any] = {"type": "Point", "coordinates": [x, y]}
            bounds = (x, y, x, y)
        else:
            ring = [[x, y], [x + 5, y], [x + 5, y + 5], [x, y + 5], [x, y]]
            geometry = {"type": "Polygon", "coordinates": [ring]}
            bounds = (x, y, x + 5, y + 5)
        kind = "point" if n % 10 else "region"
        rows.append(
            Location(
                world=world,
                type=kind,
                name=f"Place {n}",
                geometry=geometry,
                min_x=bounds[0],
                min_y=bounds[1],
                max_x=bounds[2],
                max_y=bounds[3],
                extent=max(bounds[2] - bounds[0], bounds[3] - bounds[1]),
            )
        )
    Location.objects.bulk_create(rows, batch_size=5_000)
    with connection.cursor() as cursor:  # fresh statistics, as autovacuum would gather
        cursor.execute("ANALYZE")
    return world


class Timing:
    def __init__(self) -> None:
        self.wall: list[float] = []  # milliseconds per call
        # This process's CPU milliseconds per call: on a busy shared machine the wall clock
        # also counts the time spent waiting for a core (the database's own work is not in it).
        self.cpu: list[float] = []


def timed(run: Callable[[], Any], samples: int) -> tuple[Timing, int, Any]:
    """Wall and CPU milliseconds per call, SQL queries of the last call, and its answer."""
    timing = Timing()
    answer = None
    queries = 0
    for _ in range(samples):
        with CaptureQueriesContext(connection) as captured:
            started, cpu = time.perf_counter(), time.process_time()
            answer = run()
            timing.wall.append((time.perf_counter() - started) * 1000)
            timing.cpu.append((time.process_time() - cpu) * 1000)
        queries = len(captured)
    return timing, queries, answer


def p95(times: list[float]) -> float:
    return sorted(times)[max(0, math.ceil(len(times) * 0.95) - 1)]


def line(name: str, timing: Timing, queries: int, size: int) -> None:
    wall, cpu = timing.wall, timing.cpu
    print(
        f"  {name:44s} wall p50 {statistics.median(wall):8.2f} p95 {p95(wall):8.2f} ms"
        f"  cpu p50 {statistics.median(cpu):7.2f} p95 {p95(cpu):7.2f} ms"
        f"  {queries:2d} SQL {size:5d} rows"
    )


def bench_world(owner: Any, client: Client, headers: dict[str, str], count: int) -> None:
    from campaign.models import Location
    from campaign.spatial import queries, shapes

    world = seed(owner, count)
    density = count / (SIDE * SIDE)
    half = math.sqrt(VIEWPORT_FEATURES / density) / 2
    radius = math.sqrt(NEAR_FEATURES / density / math.pi)
    where = random.Random(7)
    everything = queries.MapFilter()

    def viewport() -> shapes.Box:
        x, y = where.uniform(half, SIDE - half), where.uniform(half, SIDE - half)
        return shapes.Box(x - half, y - half, x + half, y + half)

    def circle() -> shapes.Circle:
        x, y = where.uniform(radius, SIDE - radius), where.uniform(radius, SIDE - radius)
        return shapes.Circle(x, y, radius)

    def layer(box: shapes.Box) -> list[Any]:
        return queries.map_layer(owner, world_id=world.pk, box=box, filters=everything, limit=5_000)

    def near(at: shapes.Circle) -> list[Any]:
        return queries.locations_near(owner, circle=at, world_id=world.pk, limit=500)

    def layer_without_prefilter() -> list[Any]:
        box = viewport()
        rows = Location.objects.filter(world=world).values_list("pk", "geometry")
        area = box.polygon()
        return [pk for pk, geometry in rows if area.intersects(shapes.geometry(geometry))]

    def near_without_prefilter() -> list[Any]:
        at = circle()
        rows = Location.objects.filter(world=world).values_list("geometry", "min_x", "min_y")
        return [
            geometry
            for geometry, x, y in rows
            if shapes.distance(at, geometry, (x, y, x, y)) <= at.radius
        ]

    print(f"\n{count:,} locations; viewport {2 * half:.0f} units wide, near radius {radius:.0f}")
    print(f"  load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")
    base_layer, base_layer_sql, base_rows = timed(layer_without_prefilter, BASELINE_SAMPLES)
    line("baseline: viewport, no prefilter", base_layer, base_layer_sql, len(base_rows))
    cold_layer, cold_layer_sql, features = timed(lambda: layer(viewport()), SAMPLES)
    line("mapLayer viewport, from the database", cold_layer, cold_layer_sql, len(features))
    fixed = viewport()
    layer(fixed)
    warm_layer, warm_layer_sql, features = timed(lambda: layer(fixed), SAMPLES)
    line("mapLayer viewport, from the cache", warm_layer, warm_layer_sql, len(features))
    base_near, base_near_sql, base_found = timed(near_without_prefilter, BASELINE_SAMPLES)
    line("baseline: near, no prefilter", base_near, base_near_sql, len(base_found))
    cold_near, cold_near_sql, found = timed(lambda: near(circle()), SAMPLES)
    line("locationsNear, from the database", cold_near, cold_near_sql, len(found))
    spot = circle()
    near(spot)
    warm_near, warm_near_sql, found = timed(lambda: near(spot), SAMPLES)
    line("locationsNear, from the cache", warm_near, warm_near_sql, len(found))

    def request() -> int:
        box = viewport()
        body = json.dumps(
            {
                "query": "query($w: ID!, $b: BoundingBoxInput!) { mapLayer(worldId: $w, bbox: $b)"
                " { features { id geometry properties } } }",
                "variables": {
                    "w": str(world.pk),
                    "b": {
                        "west": box.min_x,
                        "south": box.min_y,
                        "east": box.max_x,
                        "north": box.max_y,
                    },
                },
            }
        )
        response = client.post("/graphql", body, content_type="application/json", headers=headers)
        answer = response.json()
        if response.status_code != 200 or "errors" in answer:
            raise SystemExit(f"the benchmark request failed: {response.content[:500]!r}")
        return len(answer["data"]["mapLayer"]["features"])

    request()  # warm the code paths and the document cache
    http, http_sql, size = timed(request, SAMPLES)
    line("GraphQL mapLayer request, cold", http, http_sql, size)
    print(
        f"  RATIO baseline/prefiltered wall p50: viewport"
        f" {statistics.median(base_layer.wall) / statistics.median(cold_layer.wall):.1f}x,"
        f" near {statistics.median(base_near.wall) / statistics.median(cold_near.wall):.1f}x"
    )


def main() -> None:
    from campaign.auth.tokens import issue_access_token
    from campaign.models import User
    from kernel.actor import Actor

    with throwaway_databases():
        user = User.objects.create_user("bench@example.com", "correct horse battery staple")
        headers = {"Authorization": f"Bearer {issue_access_token(user)}"}
        print(f"Spatial queries on {connection.vendor}; {SAMPLES} samples each")
        for count in SIZES:
            bench_world(Actor(user), Client(), headers, count)


if __name__ == "__main__":
    main()
