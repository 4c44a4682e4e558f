"""An entity's audit trail is kept under what its campaign records (api/graphql/answers.py): the
next identical request reads no row, every change recorded in the campaign — on any branch — is
seen by the next read, and who may read it is decided as when nothing is kept."""

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from campaign.actions import locations, settlements
from campaign.models import Branch, Kingdom, Settlement
from kernel import cache_stats
from kernel.actor import Actor
from tests import builders
from tests.caching.conftest import tables_read
from tests.graphql_client import GraphQLClient, codes, ok

TRAIL = """query($type: String!, $id: ID!) { entityAuditHistory(entityType: $type, entityId: $id,
    limit: 20) { operation changes } }"""


def trail(gql: GraphQLClient, entity_id: Any, persona: str = "gm", kind: str = "settlement") -> Any:
    return gql(TRAIL, {"type": kind, "id": str(entity_id)}, persona)


@pytest.fixture
def restov(kingdom: Kingdom) -> Settlement:
    return Settlement.objects.get(kingdom=kingdom)


def test_a_kept_trail_reads_only_who_is_asking(gql: GraphQLClient, restov: Settlement) -> None:
    # Given the settlement's trail read until kept
    for _ in range(3):
        first = trail(gql, restov.uid)

    # When the GM asks again
    with CaptureQueriesContext(connection) as queries:
        again = trail(gql, restov.uid)

    # Then the answer is the same, and only the GM and their membership were read
    assert again == first
    assert [row["operation"] for row in ok(again)["entityAuditHistory"]] == ["CREATE"]
    tables = tables_read(queries)
    assert tables == {"campaign_user", "campaign_campaignmembership"}


def test_a_change_on_another_branch_is_seen_by_the_next_read(
    gql: GraphQLClient,
    owner: Actor,
    restov: Settlement,
    fork: Branch,
    django_capture_on_commit_callbacks: Any,
) -> None:
    # Given the trail kept, and a fork of the campaign
    for _ in range(3):
        trail(gql, restov.uid)

    # When the settlement is renamed on the fork
    with django_capture_on_commit_callbacks(execute=True):
        settlements.update_settlement(
            owner, settlement_id=restov.uid, data={"name": "Tuskwater"}, branch_id=fork.pk
        )

    # Then the next read of the trail has the rename
    rows = ok(trail(gql, restov.uid))["entityAuditHistory"]
    assert [row["operation"] for row in rows] == ["UPDATE", "CREATE"]
    assert rows[0]["changes"] == {"name": "Tuskwater"}


@pytest.mark.parametrize(("persona", "code"), [("viewer", "FORBIDDEN"), ("outsider", "NOT_FOUND")])
def test_a_reader_without_the_role_is_refused_as_without_a_kept_trail(
    gql: GraphQLClient, restov: Settlement, persona: str, code: str
) -> None:
    # Given what a viewer or an outsider is told before anything was kept
    cold = trail(gql, restov.uid, persona)

    # When the trail is kept for the GM, and they ask again
    for _ in range(3):
        trail(gql, restov.uid)
    warm = trail(gql, restov.uid, persona)

    # Then they are told the same
    assert (codes(warm), warm) == ([code], cold)


def test_a_locations_trail_is_read_but_not_kept(
    gql: GraphQLClient, owner: Actor, restov: Settlement, django_capture_on_commit_callbacks: Any
) -> None:
    # Given a location's trail (a world's, which no campaign records) read twice
    with django_capture_on_commit_callbacks(execute=True):
        locations.update_location(
            owner, location_id=restov.location_id, data={"geometry": builders.geo_point(3, 4)}
        )
    rows = [ok(trail(gql, restov.location_id, kind="location")) for _ in range(2)]

    # Then both have its change, and nothing was kept or counted
    assert rows[0] == rows[1]
    assert [r["operation"] for r in rows[1]["entityAuditHistory"]] == ["UPDATE", "CREATE"]
    [stats] = [n for n in cache_stats.read()[0] if n.namespace == cache_stats.AUDIT]
    assert (stats.hits, stats.misses, stats.sets) == (0, 0, 0)
