"""Completed answers of the entity lists (api/graphql/answers.py): the next identical request is
answered without reading a row, and every change that could alter an answer — on the branch,
on the world's map — is seen by the next read; an answer that failed is not
kept, and each document, page and alias has its own."""

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from campaign.actions import locations, structures
from campaign.models import Kingdom, Settlement, Structure
from kernel import cache_stats
from kernel.actor import Actor
from tests import builders
from tests.caching.conftest import tables_read
from tests.graphql_client import GraphQLClient, ok

SETTLEMENTS = """query($k: ID!) { settlementsByKingdom(kingdomId: $k) {
    name ownerId location { geojson } structures { name } } }"""


@pytest.fixture(autouse=True)
def _keep(owner: Actor, kingdom: Kingdom, django_capture_on_commit_callbacks: Any) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        builders.structure(owner, Settlement.objects.get(kingdom=kingdom), name="Keep")


def read(gql: GraphQLClient, kingdom: Kingdom, query: str = SETTLEMENTS) -> list[dict[str, Any]]:
    return ok(gql(query, {"k": str(kingdom.uid)}, "viewer"))["settlementsByKingdom"]  # type: ignore[no-any-return]


def test_the_next_identical_request_reads_no_row(gql: GraphQLClient, kingdom: Kingdom) -> None:
    # Given the kingdom's settlements read once
    first = read(gql, kingdom)

    # When the same request comes again
    with CaptureQueriesContext(connection) as queries:
        again = read(gql, kingdom)

    # Then the answer is the same, and only who asks was read (tests/caching/
    # test_kept_answer_readers.py: the kingdom's row is not read either, from the next request on)
    assert again == first
    tables = tables_read(queries)
    assert tables <= {"campaign_user", "campaign_campaignmembership", "campaign_kingdom"}
    assert "campaign_settlement" not in tables


def test_a_moved_location_is_seen_by_the_next_read(
    gql: GraphQLClient, owner: Actor, kingdom: Kingdom, django_capture_on_commit_callbacks: Any
) -> None:
    # Given the kingdom's settlements read (and kept) with their locations
    before = read(gql, kingdom)[0]["location"]["geojson"]

    # When the settlement's location moves on the world's map
    [restov] = Settlement.objects.filter(kingdom=kingdom)
    with django_capture_on_commit_callbacks(execute=True):
        locations.update_location(
            owner, location_id=restov.location_id, data={"geometry": builders.geo_point(3, 4)}
        )

    # Then the next read shows where it is now
    after = read(gql, kingdom)[0]["location"]["geojson"]
    assert (before != after, after["coordinates"]) == (True, [3, 4])


def test_a_renamed_structure_is_seen_by_the_next_read(
    gql: GraphQLClient, owner: Actor, kingdom: Kingdom, django_capture_on_commit_callbacks: Any
) -> None:
    read(gql, kingdom)
    [keep] = Structure.objects.filter(settlement__kingdom=kingdom)
    with django_capture_on_commit_callbacks(execute=True):
        structures.update_structure(owner, structure_id=keep.uid, data={"name": "Tower"})

    assert read(gql, kingdom)[0]["structures"] == [{"name": "Tower"}]


def test_each_document_and_alias_has_its_own_answer(gql: GraphQLClient, kingdom: Kingdom) -> None:
    # Given the settlements read with one selection
    read(gql, kingdom)

    # When another selection, and the same field under two aliases, are asked for
    names = read(gql, kingdom, "query($k: ID!) { settlementsByKingdom(kingdomId: $k) { name } }")
    both = ok(
        gql(
            """query($k: ID!) { a: settlementsByKingdom(kingdomId: $k) { name }
                b: settlementsByKingdom(kingdomId: $k, take: 0) { name } }""",
            {"k": str(kingdom.uid)},
            "viewer",
        )
    )

    # Then each has its own answer
    assert names == [{"name": "Restov"}]
    assert (both["a"], both["b"]) == ([{"name": "Restov"}], [])


def test_an_answer_that_failed_is_not_kept(gql: GraphQLClient, kingdom: Kingdom) -> None:
    # Given a request whose field fails (a page that cannot be)
    query = "query($k: ID!) { settlementsByKingdom(kingdomId: $k, skip: -1) { name } }"
    gql(query, {"k": str(kingdom.uid)}, "viewer")

    # Then nothing was kept, and the failure was not counted as a miss
    [stats] = [n for n in cache_stats.read()[0] if n.namespace == cache_stats.SETTLEMENTS]
    assert (stats.hits, stats.misses, stats.sets) == (0, 0, 0)


def test_a_settlement_read_by_id_is_kept_and_sees_a_new_structure(
    gql: GraphQLClient, owner: Actor, kingdom: Kingdom, django_capture_on_commit_callbacks: Any
) -> None:
    # Given a settlement read by id with its structures, twice
    [restov] = Settlement.objects.filter(kingdom=kingdom)
    query = "query($id: ID!) { settlement(id: $id) { name structures { name } } }"
    first = ok(gql(query, {"id": str(restov.uid)}, "viewer"))["settlement"]
    with CaptureQueriesContext(connection) as queries:
        again = ok(gql(query, {"id": str(restov.uid)}, "viewer"))["settlement"]

    # When a structure is built there
    with django_capture_on_commit_callbacks(execute=True):
        builders.structure(owner, restov, name="Arena")

    # Then the second read was answered without its structures, and the next one lists the new
    assert again == first
    assert not any("campaign_structure" in q["sql"] for q in queries.captured_queries)
    after = ok(gql(query, {"id": str(restov.uid)}, "viewer"))["settlement"]["structures"]
    assert after == [{"name": "Arena"}, {"name": "Keep"}]
