"""The bounding-box prefilter (campaign/spatial/index.py) finds exactly the boxes that meet a
question's box, small or large, and its queries can be served by the bbox indexes."""

import random

import pytest
from django.db import connection

from campaign.actions import locations
from campaign.models import Location, World
from campaign.spatial import index
from campaign.spatial.shapes import Box
from kernel.actor import Actor

# The indexes of campaign.Location on (world, min_x, max_x), (world, min_y, max_y), (world, extent).
BY_MIN_X, BY_MIN_Y = "campaign_lo_world_i_41d120_idx", "campaign_lo_world_i_bd998a_idx"
BY_EXTENT = "campaign_lo_world_i_e7f866_idx"


def rectangle(x: float, y: float, width: float, height: float) -> dict[str, object]:
    ring = [[x, y], [x + width, y], [x + width, y + height], [x, y + height], [x, y]]
    return {"type": "Polygon", "coordinates": [ring]}


def meets(bounds: tuple[float, float, float, float], box: Box) -> bool:
    min_x, min_y, max_x, max_y = bounds
    return min_x <= box.max_x and max_x >= box.min_x and min_y <= box.max_y and max_y >= box.min_y


def test_the_prefilter_finds_exactly_the_boxes_that_meet_small_and_large(
    owner: Actor, world: World
) -> None:
    # Given points and rectangles of every size, from a metre to most of the map
    spread = random.Random(13)
    for n in range(60):
        x, y = spread.uniform(-100, 100), spread.uniform(-100, 100)
        size = 10 ** spread.uniform(0, 2.3)
        geometry = (
            {"type": "Point", "coordinates": [x, y]}
            if n % 3 == 0
            else rectangle(x, y, size, size * spread.uniform(0.1, 1))
        )
        locations.create_location(
            owner, world_id=world.pk, data={"type": "region", "geometry": geometry}
        )
    rows = {
        str(pk): (a, b, c, d)
        for pk, a, b, c, d in Location.objects.values_list("pk", *index.BOUNDS)
    }

    for _ in range(40):
        # When the prefilter is asked about a box of any size
        x, y, w, h = (
            spread.uniform(-120, 120),
            spread.uniform(-120, 120),
            *(10 ** spread.uniform(-1, 2.5) for _ in range(2)),
        )
        box = Box(x, y, x + w, y + h)
        found = [
            str(row.pk) for row in index.candidates(index.meeting(Location.objects.all(), box))
        ]

        # Then it finds each box that meets it, once
        assert sorted(found) == sorted(pk for pk, bounds in rows.items() if meets(bounds, box))


@pytest.mark.postgres
def test_the_prefilter_queries_can_use_the_bounding_box_indexes(owner: Actor, world: World) -> None:
    # Given a world of 2,000 small features spread over a large map, with the planner's
    # statistics current (without them it guesses one row a world and reads the world's index)
    spread = random.Random(7)
    points = [(spread.uniform(-5_000, 5_000), spread.uniform(-5_000, 5_000)) for _ in range(2_000)]
    Location.objects.bulk_create(
        Location(
            world=world,
            type="point",
            geometry={"type": "Point", "coordinates": [x, y]},
            min_x=x,
            min_y=y,
            max_x=x,
            max_y=y,
            extent=0,
        )
        for x, y in points
    )
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE campaign_location")
        cursor.execute("SET LOCAL enable_seqscan = off")
    parts = index.meeting(Location.objects.filter(world=world), Box(0, 0, 10, 10))

    # When each part of the question is explained
    plans = [part.explain() for part in parts]

    # Then no part reads the whole table: the features no larger than the question are found
    # through a bounding-box index (which one depends on the statistics), the larger ones through
    # the extent index
    assert all("Seq Scan" not in plan for plan in plans), plans
    assert any(name in plans[0] for name in (BY_MIN_X, BY_MIN_Y, BY_EXTENT)), plans[0]
    assert BY_EXTENT in plans[1], plans[1]
