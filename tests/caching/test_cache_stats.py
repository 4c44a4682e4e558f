"""Hits, misses and sets per namespace, counted where every replica adds to them, read by
operators through getCacheStats and manage.py cache_stats."""

from io import StringIO
from typing import Any

import pytest
from django.core.management import call_command

from campaign.models import Campaign
from kernel import cache_stats
from kernel.actor import Actor
from rules import dependencies
from tests.conftest import Personas, make_user
from tests.graphql_client import GraphQLClient, code_of, ok

CACHE_STATS = """{ getCacheStats {
  totalHits totalMisses totalSets hitRate enabled startTime settlementsKeyCount
  computedFields { hits misses sets hitRate }
  namespaces { namespace hits misses sets hitRate computeMs estimatedTimeSavedMs }
} }"""


def rules_graph(namespaces: list[dict[str, object]]) -> dict[str, object]:
    [found] = [n for n in namespaces if n["namespace"] == cache_stats.RULES_GRAPH]
    return found


def test_a_miss_then_a_hit_are_counted_in_the_namespace(
    owner: Actor, campaign: Campaign, gql: GraphQLClient
) -> None:
    branch = campaign.branches.get(parent__isnull=True)
    operator = make_user("operator@example.com", is_staff=True)

    dependencies.cached(branch)
    dependencies.cached(branch)

    stats = ok(gql(CACHE_STATS, user=operator))["getCacheStats"]
    graph = rules_graph(stats["namespaces"])
    assert (graph["hits"], graph["misses"], graph["sets"]) == (1, 1, 1)
    assert graph["hitRate"] == 0.5
    assert graph["estimatedTimeSavedMs"] == graph["computeMs"]
    assert (stats["totalHits"], stats["totalMisses"], stats["totalSets"]) == (1, 1, 1)
    assert stats["enabled"] is True


def test_no_traffic_is_a_hit_rate_of_zero_and_empty_namespaces_count_zero_keys(
    db: None, gql: GraphQLClient, settings: Any
) -> None:
    operator = make_user("operator@example.com", is_staff=True)

    stats = ok(gql(CACHE_STATS, user=operator))["getCacheStats"]

    assert stats["hitRate"] == 0.0
    assert stats["computedFields"] == {"hits": 0, "misses": 0, "sets": 0, "hitRate": 0.0}
    # Keys are counted by a Redis SCAN; the embedded local-memory cache cannot say.
    assert stats["settlementsKeyCount"] == (0 if settings.REDIS_CACHE_URL else None)


def test_only_operators_read_the_statistics(personas: Personas, gql: GraphQLClient) -> None:
    assert code_of(gql(CACHE_STATS, user=personas.owner)) == "FORBIDDEN"
    assert code_of(gql(CACHE_STATS)) == "UNAUTHENTICATED"


def test_the_command_prints_each_namespace(db: None) -> None:
    cache_stats.count(cache_stats.COMPUTED_FIELDS, hits=3, misses=1, sets=1)
    out = StringIO()

    call_command("cache_stats", stdout=out)

    assert out.getvalue().startswith("hit rate 75.0%: 3 hits, 1 misses, 1 sets since ")
    assert "computed-fields  hits        3" in out.getvalue()


@pytest.mark.redis
def test_counters_live_in_redis_where_every_replica_adds_to_them() -> None:
    from django_redis import get_redis_connection

    cache_stats.count(cache_stats.SPATIAL, hits=2, sets=1)
    cache_stats.flush()

    stored = get_redis_connection("default").hgetall(cache_stats.counters_key(cache_stats.SPATIAL))
    assert stored == {b"hits": b"2", b"sets": b"1"}
