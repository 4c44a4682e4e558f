"""Malformed GeoJSON is refused naming the geometry before shapely reads it; well-formed
geometries are accepted."""

from typing import Any

import pytest

from campaign.models import (
    Location,
    World,
)
from tests.graphql_client import GraphQLClient, refusal


def features(depth: int) -> Any:
    value: Any = {"type": "Point", "coordinates": [1, 2]}
    for _ in range(depth):
        value = {"type": "Feature", "geometry": value}
    return value


BAD_GEOMETRIES = [
    {"type": ["Point"], "coordinates": [1, 2]},
    {"type": {"a": 1}, "coordinates": [1, 2]},
    {"type": "Point", "coordinates": ["1", "2"]},
    {"type": "Point", "coordinates": [True, False]},
    {"type": "Point", "coordinates": [[1, 2]]},
    {"type": "Point", "coordinates": [1, 2, 3, 4]},
    {"type": "Point", "coordinates": [1, None]},
    {"type": "MultiPoint", "coordinates": [1, 2]},
    {"type": "LineString", "coordinates": [[0, 0], ["1", 1]]},
    {"type": "LineString", "coordinates": [[0, 0]]},
    {"type": "Polygon", "coordinates": [[0, 0], [1, 0], [1, 1], [0, 0]]},
    {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [True, 0]]]},
    {"type": "MultiPolygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 0]]]},
    {"type": "Feature", "geometry": {"type": "Feature", "geometry": {"type": "Point"}}},
    features(2),
    features(600),
]


GEOMETRY_IDS = [
    "type-a-list",
    "type-an-object",
    "strings",
    "booleans",
    "point-nested-too-deep",
    "four-numbers",
    "null-number",
    "multipoint-too-shallow",
    "string-in-line",
    "one-point-line",
    "polygon-too-shallow",
    "boolean-in-ring",
    "multipolygon-too-shallow",
    "feature-of-a-feature",
    "feature-of-a-feature-of-a-point",
    "feature-chain",
]


@pytest.mark.parametrize("geometry", BAD_GEOMETRIES, ids=GEOMETRY_IDS)
def test_malformed_coordinates_are_refused_before_shapely(
    gql: GraphQLClient, world: World, geometry: Any
) -> None:
    body = gql(
        "mutation($i: CreateLocationInput!) { createLocation(input: $i) { id } }",
        {"i": {"worldId": str(world.pk), "type": "point", "geometry": geometry}},
        "owner",
    )

    error = refusal(body, "BAD_USER_INPUT")
    assert error["extensions"]["field"] == "geometry"
    assert "GeoJSON" in error["message"]
    assert "unhashable" not in error["message"]
    assert "float" not in error["message"]
    assert not Location.objects.exists()


def test_well_formed_geometries_are_still_accepted(gql: GraphQLClient, world: World) -> None:
    for geometry in [
        {"type": "Point", "coordinates": [1, 2.5]},
        {"type": "Point", "coordinates": [1, 2, 3]},
        {"type": "Feature", "geometry": {"type": "LineString", "coordinates": [[0, 0], [1, 1]]}},
        {"type": "MultiPolygon", "coordinates": [[[[0, 0], [1, 0], [1, 1], [0, 0]]]]},
    ]:
        body = gql(
            "mutation($w: String!, $g: GeoJSON) {"
            ' createLocation(input: {worldId: $w, type: "region", geometry: $g}) { id } }',
            {"w": str(world.pk), "g": geometry},
            "owner",
        )

        assert "errors" not in body, body
