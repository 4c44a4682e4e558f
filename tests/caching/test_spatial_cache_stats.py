"""The spatial cache is counted in its namespace like every other cached result, so operators see
its hits, misses and sets in getCacheStats and manage.py cache_stats."""

from io import StringIO
from typing import Any

from django.core.management import call_command

from campaign.actions import locations
from campaign.models import Campaign, World
from kernel import cache_stats
from kernel.actor import Actor
from tests import builders
from tests.conftest import make_user
from tests.graphql_client import GraphQLClient, ok

NEAR = "query($i: LocationsNearInput!) { locationsNear(input: $i) { name } }"
SPATIAL_STATS = "{ getCacheStats { namespaces { namespace hits misses sets computeMs } } }"


def near_origin(world: World) -> dict[str, Any]:
    return {"i": {"point": {"longitude": 0, "latitude": 0}, "radius": 5, "worldId": str(world.pk)}}


def spatial(stats: dict[str, Any]) -> dict[str, Any]:
    [found] = [n for n in stats["namespaces"] if n["namespace"] == cache_stats.SPATIAL]
    return found


def test_a_spatial_miss_then_a_hit_are_counted(
    gql: GraphQLClient, owner: Actor, world: World, campaign: Campaign
) -> None:
    # Given a place on the map
    locations.create_location(
        owner,
        world_id=world.pk,
        data={"type": "point", "name": "Here", "geometry": builders.geo_point(0, 0)},
    )

    # When the same spatial question is asked twice
    first = ok(gql(NEAR, near_origin(world), "viewer"))["locationsNear"]
    second = ok(gql(NEAR, near_origin(world), "viewer"))["locationsNear"]

    # Then the first computed and stored the answer, the second was served from the cache
    assert first == second == [{"name": "Here"}]
    operator = make_user("operator@example.com", is_staff=True)
    found = spatial(ok(gql(SPATIAL_STATS, user=operator))["getCacheStats"])
    assert (found["hits"], found["misses"], found["sets"]) == (1, 1, 1)
    assert found["computeMs"] > 0
    out = StringIO()
    call_command("cache_stats", stdout=out)
    assert "spatial          hits        1  misses        1  sets        1" in out.getvalue()


def test_a_map_change_makes_the_next_spatial_question_a_miss(
    gql: GraphQLClient,
    owner: Actor,
    world: World,
    campaign: Campaign,
    django_capture_on_commit_callbacks: Any,
) -> None:
    # Given a spatial answer in the cache
    ok(gql(NEAR, near_origin(world), "viewer"))

    # When a place is added to the map (its generation bumped after commit) and the question is
    # asked again
    with django_capture_on_commit_callbacks(execute=True):
        locations.create_location(
            owner,
            world_id=world.pk,
            data={"type": "point", "name": "New", "geometry": builders.geo_point(1, 1)},
        )
    found_places = ok(gql(NEAR, near_origin(world), "viewer"))["locationsNear"]

    # Then it was computed anew (two misses, no hit) and sees the new place
    assert found_places == [{"name": "New"}]
    operator = make_user("operator@example.com", is_staff=True)
    found = spatial(ok(gql(SPATIAL_STATS, user=operator))["getCacheStats"])
    assert (found["hits"], found["misses"], found["sets"]) == (0, 2, 2)
