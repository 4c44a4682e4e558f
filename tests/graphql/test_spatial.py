"""The map's spatial queries (issue 13): near a point, within a region, overlaps, the settlements
on a branch and the map layer of a viewport, in map units, as the contract names them."""

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from campaign.actions import branches, entities, kingdoms, locations, worlds
from campaign.models import Campaign, Location, World
from kernel.actor import Actor
from tests import builders
from tests.conftest import Personas
from tests.graphql_client import GraphQLClient, code_of, ok

NEAR = (
    "query($i: LocationsNearInput!) { locationsNear(input: $i) {"
    " id name type worldId parentLocationId distance createdAt updatedAt } }"
)
SETTLEMENTS_NEAR = (
    "query($i: SettlementsNearInput!) { settlementsNear(input: $i) {"
    " id name level kingdomId locationId campaignId branchId distance } }"
)
IN_REGION = "query($r: ID!, $w: ID) { locationsInRegion(regionId: $r, worldId: $w) { id name } }"
SETTLEMENTS_IN_REGION = (
    "query($r: ID!, $c: ID, $b: ID) {"
    " settlementsInRegion(regionId: $r, campaignId: $c, branchId: $b) { id name branchId } }"
)
OVERLAP = (
    "query($a: ID!, $b: ID!) { checkRegionOverlap(region1Id: $a, region2Id: $b) {"
    " overlaps region1Id region2Id } }"
)
MAP_LAYER = (
    "query($w: ID!, $box: BoundingBoxInput!, $f: MapFilterInput, $c: ID, $b: ID) {"
    " mapLayer(worldId: $w, bbox: $box, filters: $f, campaignId: $c, branchId: $b) {"
    " type features { type id geometry properties } } }"
)


def square(x: float, y: float, size: float) -> dict[str, Any]:
    ring = [[x, y], [x + size, y], [x + size, y + size], [x, y + size], [x, y]]
    return {"type": "Polygon", "coordinates": [ring]}


def place(owner: Actor, world: World, name: str, geometry: Any, kind: str = "point") -> Location:
    return locations.create_location(
        owner, world_id=world.pk, data={"type": kind, "name": name, "geometry": geometry}
    )


def near(x: float, y: float, radius: float, **more: Any) -> dict[str, Any]:
    return {"i": {"point": {"longitude": x, "latitude": y}, "radius": radius, **more}}


def box(west: float, south: float, east: float, north: float) -> dict[str, Any]:
    return {"west": west, "south": south, "east": east, "north": north}


def test_locations_near_are_nearest_first_and_the_radius_is_inclusive(
    gql: GraphQLClient, owner: Actor, world: World, campaign: Campaign
) -> None:
    # Given places 0, 5, 10 and 20 map units from the origin, and a region 10 units east
    for name, x, y in (("Here", 0, 0), ("Five", 3, 4), ("Ten", 6, 8), ("Far", 20, 0)):
        place(owner, world, name, builders.geo_point(x, y))
    place(owner, world, "East march", square(10, -5, 10), "region")

    # When the viewer asks for what lies within 10 units of the origin
    found = ok(gql(NEAR, near(0, 0, 10, worldId=str(world.pk)), "viewer"))["locationsNear"]

    # Then the places at exactly 10 are included, nearest first, with their distance
    assert [(f["name"], f["distance"]) for f in found] == [
        ("Here", 0.0),
        ("Five", 5.0),
        ("East march", 10.0),
        ("Ten", 10.0),
    ]
    assert {f["type"] for f in found} == {"point", "region"}
    assert {f["worldId"] for f in found} == {str(world.pk)}


def test_without_a_world_near_searches_only_the_worlds_the_caller_reads(
    gql: GraphQLClient, owner: Actor, personas: Personas, world: World, campaign: Campaign
) -> None:
    # Given a place of the outsider's own world at the same spot as one of ours
    stranger = Actor(personas.outsider)
    elsewhere = worlds.create_world(stranger, data={"name": "Eberron", "calendars": []})
    place(stranger, elsewhere, "Sharn", builders.geo_point(1, 1))
    place(owner, world, "Restov", builders.geo_point(1, 1))

    # When the viewer and the outsider ask near that spot, without naming a world
    ours = ok(gql(NEAR, near(1, 1, 1), "viewer"))["locationsNear"]
    theirs = ok(gql(NEAR, near(1, 1, 1), "outsider"))["locationsNear"]
    # And the viewer names the outsider's world
    hidden = gql(NEAR, near(1, 1, 1, worldId=str(elsewhere.pk)), "viewer")

    # Then each sees their own world only, and the other world does not exist for the viewer
    assert [f["name"] for f in ours] == ["Restov"]
    assert [f["name"] for f in theirs] == ["Sharn"]
    assert code_of(hidden) == "NOT_FOUND"


def test_archived_and_deleted_locations_are_left_out(
    gql: GraphQLClient,
    owner: Actor,
    world: World,
    campaign: Campaign,
    django_capture_on_commit_callbacks: Any,
) -> None:
    # Given three places, answered about once (and so cached)
    kept, archived, deleted = (
        place(owner, world, name, builders.geo_point(0, 0)) for name in ("Kept", "Old", "Gone")
    )
    assert len(ok(gql(NEAR, near(0, 0, 1), "owner"))["locationsNear"]) == 3

    # When one is archived and one deleted
    with django_capture_on_commit_callbacks(execute=True):
        entities.archive(owner, instance=archived)
        entities.soft_delete(owner, instance=deleted)

    # Then only the live, unarchived one is found
    found = ok(gql(NEAR, near(0, 0, 1), "owner"))["locationsNear"]
    assert [f["id"] for f in found] == [str(kept.pk)]


def test_locations_in_a_region_leave_out_its_boundary_and_the_region_itself(
    gql: GraphQLClient, owner: Actor, world: World, campaign: Campaign
) -> None:
    # Given a region, a place inside it, one on its edge, one outside and a field inside it
    region = place(owner, world, "Stolen Lands", square(0, 0, 10), "region")
    place(owner, world, "Inside", builders.geo_point(5, 5))
    place(owner, world, "Edge", builders.geo_point(0, 5))
    place(owner, world, "Outside", builders.geo_point(15, 5))
    place(owner, world, "Field", square(2, 2, 2), "region")

    # When the player asks what lies within the region
    found = ok(gql(IN_REGION, {"r": str(region.pk)}, "player"))["locationsInRegion"]

    # Then the places strictly within it, by name
    assert [f["name"] for f in found] == ["Field", "Inside"]


def test_a_region_without_geometry_is_a_bad_request_naming_it(
    gql: GraphQLClient, owner: Actor, world: World, campaign: Campaign
) -> None:
    region = place(owner, world, "Unmapped", None, "region")

    body = gql(IN_REGION, {"r": str(region.pk)}, "owner")

    assert code_of(body) == "BAD_REQUEST"
    assert body["errors"][0]["extensions"]["field"] == "regionId"


@pytest.mark.parametrize(
    ("second", "overlaps"),
    [
        (square(0, 0, 10), False),  # identical
        (square(10, 0, 10), False),  # sharing an edge
        (square(2, 2, 2), False),  # inside
        (square(5, 5, 10), True),  # partly
        (square(50, 50, 1), False),  # apart
    ],
    ids=["identical", "touching", "contained", "partial", "apart"],
)
def test_regions_overlap_only_when_they_share_part_of_their_interiors(
    gql: GraphQLClient,
    owner: Actor,
    world: World,
    campaign: Campaign,
    second: dict[str, Any],
    overlaps: bool,
) -> None:
    first = place(owner, world, "A", square(0, 0, 10), "region")
    other = place(owner, world, "B", second, "region")

    result = ok(gql(OVERLAP, {"a": str(first.pk), "b": str(other.pk)}, "viewer"))

    assert result["checkRegionOverlap"] == {
        "overlaps": overlaps,
        "region1Id": str(first.pk),
        "region2Id": str(other.pk),
    }


def test_settlements_are_found_per_campaign_and_branch(
    gql: GraphQLClient, owner: Actor, world: World, campaign: Campaign
) -> None:
    # Given a settlement on the main branch and another on a side branch, both near the origin
    side = branches.create_branch(
        owner, campaign_id=campaign.pk, parent_id=None, data={"name": "What if"}
    )
    main_kingdom = builders.kingdom(owner, campaign)
    side_kingdom = kingdoms.create_kingdom(
        owner, campaign_id=campaign.pk, data={"name": "Pitax"}, branch_id=side.pk
    )
    builders.settlement(
        owner, main_kingdom, name="Restov", location=builders.point(owner, campaign, 3, 4)
    )
    builders.settlement(
        owner, side_kingdom, name="Pitax", location=builders.point(owner, campaign, 1, 0)
    )

    # When the player asks near the origin: by default, then on the side branch
    main = ok(gql(SETTLEMENTS_NEAR, near(0, 0, 10), "player"))["settlementsNear"]
    on_side = ok(
        gql(
            SETTLEMENTS_NEAR,
            near(0, 0, 10, campaignId=str(campaign.pk), branchId=str(side.pk)),
            "player",
        )
    )["settlementsNear"]

    # Then each branch answers with its own settlements, with level as text and distance
    assert [(s["name"], s["level"], s["distance"]) for s in main] == [("Restov", "1", 5.0)]
    assert main[0]["branchId"] == str(main_kingdom.branch_id)
    assert main[0]["kingdomId"] == str(main_kingdom.uid)
    assert [(s["name"], s["distance"]) for s in on_side] == [("Pitax", 1.0)]


def test_settlements_in_a_region_by_name(
    gql: GraphQLClient, owner: Actor, world: World, campaign: Campaign
) -> None:
    # Given a region with two settlements inside and one outside
    region = place(owner, world, "Stolen Lands", square(0, 0, 10), "region")
    brevoy = builders.kingdom(owner, campaign)
    for name, x in (("Tuskwater", 5), ("Oleg's", 1), ("Pitax", 50)):
        spot = builders.point(owner, campaign, x, 5)
        builders.settlement(owner, brevoy, name=name, location=spot)

    # When the viewer asks for the settlements within the region
    found = ok(gql(SETTLEMENTS_IN_REGION, {"r": str(region.pk)}, "viewer"))["settlementsInRegion"]

    # Then the two inside, by name
    assert [s["name"] for s in found] == ["Oleg's", "Tuskwater"]


def test_the_map_layer_holds_what_meets_the_viewport_with_settlements(
    gql: GraphQLClient, owner: Actor, world: World, campaign: Campaign
) -> None:
    # Given a settlement, a place, a region straddling the viewport's edge, one outside it and
    # a place without geometry
    brevoy = builders.kingdom(owner, campaign, name="Brevoy")
    spot = place(owner, world, "Restov", builders.geo_point(1, 1))
    restov = builders.settlement(owner, brevoy, name="Restov", level=3, location=spot)
    place(owner, world, "Well", builders.geo_point(2, 2))
    march = place(owner, world, "March", square(8, 8, 10), "region")
    place(owner, world, "Far", square(50, 50, 1), "region")
    place(owner, world, "Nowhere", None)

    # When the viewer asks for the layer of the viewport from (0, 0) to (10, 10)
    layer = ok(gql(MAP_LAYER, {"w": str(world.pk), "box": box(0, 0, 10, 10)}, "viewer"))

    # Then it is a FeatureCollection of what meets the viewport, by name
    collection = layer["mapLayer"]
    assert collection["type"] == "FeatureCollection"
    features = {f["properties"]["name"]: f for f in collection["features"]}
    assert list(features) == ["March", "Restov", "Well"]
    assert features["March"]["id"] == str(march.pk)
    assert features["March"]["geometry"] == square(8, 8, 10)
    assert features["Well"]["properties"] == {"name": "Well", "type": "point"}
    assert features["Restov"]["properties"]["settlement"] == {
        "id": str(restov.uid),
        "name": "Restov",
        "level": 3,
        "kingdomId": str(brevoy.uid),
    }
    assert {f["type"] for f in collection["features"]} == {"Feature"}


@pytest.mark.parametrize(
    ("filters", "names"),
    [
        ({"locationTypes": ["region"]}, ["March"]),
        ({"entityTypes": ["settlement"]}, ["Restov"]),
        ({"entityTypes": ["location"], "locationTypes": ["point"]}, ["Well"]),
        ({"availableOnly": False, "tags": []}, ["March", "Restov", "Well"]),
    ],
    ids=["location-types", "settlements", "plain-points", "neutral"],
)
def test_the_map_layer_filters(
    gql: GraphQLClient,
    owner: Actor,
    world: World,
    campaign: Campaign,
    filters: dict[str, Any],
    names: list[str],
) -> None:
    brevoy = builders.kingdom(owner, campaign)
    spot = place(owner, world, "Restov", builders.geo_point(1, 1))
    builders.settlement(owner, brevoy, location=spot)
    place(owner, world, "Well", builders.geo_point(2, 2))
    place(owner, world, "March", square(8, 8, 10), "region")

    variables = {"w": str(world.pk), "box": box(0, 0, 10, 10), "f": filters}
    layer = ok(gql(MAP_LAYER, variables, "owner"))["mapLayer"]

    assert [f["properties"]["name"] for f in layer["features"]] == names


@pytest.mark.parametrize(
    ("filters", "field"),
    [
        ({"locationTypes": ["city"]}, "filters.locationTypes"),
        ({"entityTypes": ["dragon"]}, "filters.entityTypes"),
        ({"availableOnly": True}, "filters.availableOnly"),
        ({"tags": ["river"]}, "filters.tags"),
    ],
    ids=["location-type", "entity-type", "available-only", "tags"],
)
def test_a_map_filter_that_cannot_be_honoured_is_refused_naming_it(
    gql: GraphQLClient, world: World, campaign: Campaign, filters: dict[str, Any], field: str
) -> None:
    variables = {"w": str(world.pk), "box": box(0, 0, 10, 10), "f": filters}

    body = gql(MAP_LAYER, variables, "owner")

    assert code_of(body) == "BAD_REQUEST"
    assert body["errors"][0]["extensions"]["field"] == field


def test_the_map_layer_of_a_campaign_branch_shows_that_branchs_settlements(
    gql: GraphQLClient, owner: Actor, world: World, campaign: Campaign
) -> None:
    # Given one location with a settlement on the main branch and another on a side branch
    side = branches.create_branch(
        owner, campaign_id=campaign.pk, parent_id=None, data={"name": "What if"}
    )
    spot = place(owner, world, "Ford", builders.geo_point(1, 1))
    builders.settlement(owner, builders.kingdom(owner, campaign), name="Main ford", location=spot)
    side_kingdom = kingdoms.create_kingdom(
        owner, campaign_id=campaign.pk, data={"name": "Pitax"}, branch_id=side.pk
    )
    builders.settlement(owner, side_kingdom, name="Side ford", location=spot)

    # When the layer is asked for by default and for the side branch
    base = {"w": str(world.pk), "box": box(0, 0, 10, 10)}
    main = ok(gql(MAP_LAYER, base, "viewer"))["mapLayer"]["features"]
    on_side = ok(gql(MAP_LAYER, {**base, "c": str(campaign.pk), "b": str(side.pk)}, "viewer"))[
        "mapLayer"
    ]["features"]

    # Then each shows its branch's settlement on the same location
    assert main[0]["properties"]["settlement"]["name"] == "Main ford"
    assert on_side[0]["properties"]["settlement"]["name"] == "Side ford"


def test_near_across_worlds_costs_the_same_queries_however_many_worlds(
    gql: GraphQLClient, owner: Actor, world: World, campaign: Campaign
) -> None:
    # Given a place in the owner's one world, asked about once without naming a world
    place(owner, world, "Restov", builders.geo_point(0, 0))
    with CaptureQueriesContext(connection) as one_world:
        assert len(ok(gql(NEAR, near(0, 0, 1), "owner"))["locationsNear"]) == 1

    # When the owner has four more worlds, each with a place there
    for n in range(4):
        other = worlds.create_world(owner, data={"name": f"World {n}", "calendars": []})
        place(owner, other, f"Place {n}", builders.geo_point(0, 0))
    with CaptureQueriesContext(connection) as five_worlds:
        found = ok(gql(NEAR, near(0, 0, 1), "owner"))["locationsNear"]

    # Then all five places are found with as many SQL queries as one
    assert len(found) == 5
    assert len(five_worlds) == len(one_world)


def test_a_cached_answer_is_not_served_after_a_settlement_is_founded(
    gql: GraphQLClient,
    owner: Actor,
    world: World,
    campaign: Campaign,
    django_capture_on_commit_callbacks: Any,
) -> None:
    # Given settlements near the origin, asked about once (and so cached)
    brevoy = builders.kingdom(owner, campaign)
    builders.settlement(owner, brevoy, name="Restov", location=builders.point(owner, campaign))
    assert len(ok(gql(SETTLEMENTS_NEAR, near(0, 0, 5), "gm"))["settlementsNear"]) == 1

    # When a settlement is founded on an existing place nearby and the change commits
    spot = builders.point(owner, campaign, 1, 1)
    with django_capture_on_commit_callbacks(execute=True):
        builders.settlement(owner, brevoy, name="Tatzlford", location=spot)

    # Then the next answer has it
    found = ok(gql(SETTLEMENTS_NEAR, near(0, 0, 5), "gm"))["settlementsNear"]
    assert [s["name"] for s in found] == ["Restov", "Tatzlford"]


def test_the_settlement_at_a_location_is_per_branch(
    gql: GraphQLClient, owner: Actor, world: World, campaign: Campaign
) -> None:
    # Given one place with a settlement on the main branch and another on a side branch
    side = branches.create_branch(
        owner, campaign_id=campaign.pk, parent_id=None, data={"name": "What if"}
    )
    spot = place(owner, world, "Ford", builders.geo_point(1, 1))
    builders.settlement(owner, builders.kingdom(owner, campaign), name="Main ford", location=spot)
    side_kingdom = kingdoms.create_kingdom(
        owner, campaign_id=campaign.pk, data={"name": "Pitax"}, branch_id=side.pk
    )
    builders.settlement(owner, side_kingdom, name="Side ford", location=spot)
    query = (
        "query($l: ID!, $c: ID, $b: ID) {"
        " settlementAtLocation(locationId: $l, campaignId: $c, branchId: $b) { name } }"
    )

    # When the player asks by default and for the side branch, and about an empty place
    main = ok(gql(query, {"l": str(spot.pk)}, "player"))["settlementAtLocation"]
    on_side = ok(
        gql(query, {"l": str(spot.pk), "c": str(campaign.pk), "b": str(side.pk)}, "player")
    )
    empty = place(owner, world, "Meadow", builders.geo_point(2, 2))
    nobody = ok(gql(query, {"l": str(empty.pk)}, "player"))["settlementAtLocation"]

    # Then each branch answers with its own settlement, and an empty place with null
    assert main == {"name": "Main ford"}
    assert on_side["settlementAtLocation"] == {"name": "Side ford"}
    assert nobody is None
