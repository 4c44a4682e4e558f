"""Hostile geometry and spatial query input (issue 13): self-intersecting polygons, NaN or huge
coordinates, a million points, a bounding box inside out, a radius of zero. Each is a clear
BAD_REQUEST naming the field, writes nothing, and is refused before the work it would cost."""

import math
from collections.abc import Callable
from typing import Any, NoReturn

import pytest

from campaign.actions import locations
from campaign.geometry import COORDINATE_LIMIT, MAX_POSITIONS
from campaign.models import Campaign, Location, World
from campaign.spatial import shapes
from kernel.actor import Actor
from kernel.errors import ValidationError
from tests.graphql_client import GraphQLClient, code_of

BOW_TIE = {"type": "Polygon", "coordinates": [[[0, 0], [2, 2], [2, 0], [0, 2], [0, 0]]]}


def line(count: int) -> dict[str, Any]:
    return {"type": "LineString", "coordinates": [[i, i] for i in range(count)]}


class Untouchable(list[Any]):
    """A list of a million positions that fails the test if anything reads one of them."""

    def __len__(self) -> int:
        return 1_000_000

    def _touched(self, *args: Any) -> NoReturn:
        raise AssertionError("the positions were read before the size was checked")

    __iter__ = __getitem__ = _touched  # type: ignore[assignment]


@pytest.mark.parametrize(
    ("geometry", "field", "says"),
    [
        (BOW_TIE, "geometry.coordinates", "Self-intersection"),
        ({"type": "Point", "coordinates": [math.nan, 0]}, "geometry.coordinates", "finite"),
        ({"type": "Point", "coordinates": [1e300, 0]}, "geometry.coordinates", "outside the map"),
        (
            {"type": "Point", "coordinates": [0, -COORDINATE_LIMIT * 2]},
            "geometry.coordinates",
            "within ±1,000,000,000",
        ),
        (line(MAX_POSITIONS + 1), "geometry.coordinates", "more than 10,000 positions"),
        (
            {"type": "LineString", "coordinates": Untouchable()},
            "geometry.coordinates",
            "more than 10,000 positions",
        ),
        (
            {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 1]]]},
            "geometry.coordinates",
            "closed",
        ),
    ],
    ids=["bow-tie", "nan", "huge", "beyond-the-limit", "too-many", "a-million", "open-ring"],
)
def test_bad_geometry_is_refused_naming_the_problem_and_nothing_is_written(
    owner: Actor,
    world: World,
    writes: Callable[[], tuple[int, int]],
    geometry: dict[str, Any],
    field: str,
    says: str,
) -> None:
    # Given the history as it is
    before = writes()

    # When a location is created with the geometry
    with pytest.raises(ValidationError) as refused:
        locations.create_location(
            owner, world_id=world.pk, data={"type": "region", "geometry": geometry}
        )

    # Then it is refused naming the field and the problem, and nothing is written
    assert refused.value.field == field
    assert says in refused.value.message
    assert not Location.objects.exists()
    assert writes() == before


def test_a_geometry_at_the_limits_is_accepted(owner: Actor, world: World) -> None:
    location = locations.create_location(
        owner,
        world_id=world.pk,
        data={"type": "region", "geometry": line(MAX_POSITIONS)},
    )
    corner = locations.create_location(
        owner,
        world_id=world.pk,
        data={
            "type": "point",
            "geometry": {"type": "Point", "coordinates": [-COORDINATE_LIMIT, COORDINATE_LIMIT]},
        },
    )

    assert (location.min_x, location.max_x) == (0, MAX_POSITIONS - 1)
    assert (corner.min_x, corner.max_y) == (-COORDINATE_LIMIT, COORDINATE_LIMIT)


NEAR = "query($i: LocationsNearInput!) { locationsNear(input: $i) { id } }"
MAP_LAYER = (
    "query($w: ID!, $box: BoundingBoxInput!) {"
    " mapLayer(worldId: $w, bbox: $box) { features { id } } }"
)


@pytest.mark.parametrize(
    ("point", "radius", "field"),
    [
        ((0, 0), 0, "radius"),
        ((0, 0), -5, "radius"),
        ((1e300, 0), 1, "point.longitude"),
        ((0, -1e10), 1, "point.latitude"),
    ],
    ids=["zero-radius", "negative-radius", "huge-x", "huge-y"],
)
def test_a_bad_near_question_is_a_bad_request_naming_the_field(
    gql: GraphQLClient,
    world: World,
    campaign: Campaign,
    point: tuple[float, float],
    radius: float,
    field: str,
) -> None:
    variables = {
        "i": {
            "point": {"longitude": point[0], "latitude": point[1]},
            "radius": radius,
            "worldId": str(world.pk),
        }
    }

    body = gql(NEAR, variables, "owner")

    assert code_of(body) == "BAD_REQUEST"
    assert body["errors"][0]["extensions"]["field"] == field


@pytest.mark.parametrize(
    ("bbox", "field"),
    [
        ({"west": 10, "south": 0, "east": 0, "north": 10}, "bbox.west"),
        ({"west": 0, "south": 10, "east": 10, "north": 0}, "bbox.south"),
        ({"west": 0, "south": 0, "east": 1e12, "north": 10}, "bbox.east"),
    ],
    ids=["west-of-east", "south-of-north", "huge"],
)
def test_a_bad_viewport_is_a_bad_request_naming_the_edge(
    gql: GraphQLClient, world: World, campaign: Campaign, bbox: dict[str, float], field: str
) -> None:
    body = gql(MAP_LAYER, {"w": str(world.pk), "box": bbox}, "viewer")

    assert code_of(body) == "BAD_REQUEST"
    assert field in body["errors"][0]["message"]
    assert body["errors"][0]["extensions"]["field"] == field


@pytest.mark.parametrize("value", [math.nan, math.inf, "1", True])
def test_the_query_shapes_refuse_what_is_not_a_finite_number(value: Any) -> None:
    # Callers outside GraphQL (commands, the admin) are held to the same rules.
    with pytest.raises(ValidationError) as radius:
        shapes.circle(0, 0, value)
    with pytest.raises(ValidationError) as edge:
        shapes.viewport(value, 0, 1, 1)

    assert radius.value.field == "radius"
    assert edge.value.field == "bbox.west"
