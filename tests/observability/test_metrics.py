"""/metrics: who may read it, and that requests, GraphQL operations, errors and cache look-ups
are counted."""

import re

import pytest
from django.core.cache import cache
from django.test import Client

from observability import metrics
from tests.graphql_client import GraphQLClient

pytestmark = pytest.mark.django_db


def sample(text: str, name: str, **labels: str) -> float:
    """The value of one sample in Prometheus' text format (0 when absent)."""
    wanted = ",".join(f'{key}="{value}"' for key, value in sorted(labels.items()))
    for line in text.splitlines():
        match = re.fullmatch(rf"{name}(?:\{{(.*)\}})? (\S+)", line)
        if match and ",".join(sorted((match.group(1) or "").split(","))) == wanted:
            return float(match.group(2))
    return 0.0


def scrape(client: Client) -> str:
    response = client.get("/metrics")
    assert response.status_code == 200
    return response.content.decode()


def test_metrics_are_refused_through_a_proxy_without_the_token(client: Client) -> None:
    response = client.get("/metrics", HTTP_X_FORWARDED_FOR="203.0.113.9")

    assert response.status_code == 403


def test_metrics_need_the_token_when_one_is_set(client: Client, settings: object) -> None:
    settings.METRICS_TOKEN = "s3cret"  # type: ignore[attr-defined]

    refused = client.get("/metrics")
    wrong = client.get("/metrics", HTTP_AUTHORIZATION="Bearer nope")
    answered = client.get("/metrics", HTTP_AUTHORIZATION="Bearer s3cret")

    assert (refused.status_code, wrong.status_code, answered.status_code) == (403, 403, 200)


def test_a_graphql_request_is_measured_by_route_operation_and_status(
    client: Client, gql: GraphQLClient
) -> None:
    before = scrape(client)

    gql("query { health { status } }")

    after = scrape(client)
    for name, labels in [
        ("cm_http_request_duration_seconds_count", {"route": "graphql", "method": "POST"}),
        ("cm_http_responses_total", {"route": "graphql", "status": "200"}),
        ("cm_graphql_operation_duration_seconds_count", {"operation": "query.health"}),
    ]:
        assert sample(after, name, **labels) == sample(before, name, **labels) + 1, name


def test_graphql_errors_are_counted_by_code(client: Client, gql: GraphQLClient) -> None:
    before = scrape(client)

    gql.response("query { campaign(id: 1) }")

    after = scrape(client)
    increase = {
        code: sample(after, "cm_graphql_errors_total", code=code)
        - sample(before, "cm_graphql_errors_total", code=code)
        for code in ("GRAPHQL_VALIDATION_FAILED", "BAD_REQUEST")
    }
    assert sum(increase.values()) >= 1


def test_cache_hits_and_misses_are_counted() -> None:
    hits = metrics.CACHE_HIT._value.get()
    misses = metrics.CACHE_MISS._value.get()
    cache.set("metrics-test", 1)

    cache.get("metrics-test")
    cache.get("metrics-test-absent", "default")
    cache.get_many(["metrics-test", "metrics-test-absent"])

    assert metrics.CACHE_HIT._value.get() - hits == 2
    assert metrics.CACHE_MISS._value.get() - misses == 2


def test_an_unknown_route_is_one_label_whatever_the_path(client: Client) -> None:
    before = scrape(client)

    client.get("/no-such-page-1")
    client.get("/no-such-page-2")

    after = scrape(client)
    labels = {"route": "unmatched", "status": "404"}
    assert sample(after, "cm_http_responses_total", **labels) == (
        sample(before, "cm_http_responses_total", **labels) + 2
    )


def test_websocket_counters_rise_and_fall() -> None:
    protocol = "graphql-transport-ws"
    gauge = metrics.WEBSOCKET_CONNECTIONS.labels(protocol)
    subscriptions = metrics.SUBSCRIPTIONS.labels(protocol)
    open_before, subscribed_before = gauge._value.get(), subscriptions._value.get()

    metrics.websocket_opened(protocol)
    metrics.subscription_started(protocol)
    metrics.subscription_started(protocol)
    during = (gauge._value.get(), subscriptions._value.get())
    metrics.subscription_stopped(protocol, 2)
    metrics.websocket_closed(protocol, by_client=True)

    assert during == (open_before + 1, subscribed_before + 2)
    assert (gauge._value.get(), subscriptions._value.get()) == (open_before, subscribed_before)


@pytest.mark.postgres
def test_database_connections_are_read_at_scrape_time(client: Client) -> None:
    text = scrape(client)

    assert sample(text, "cm_db_max_connections") > 0
    assert sample(text, "cm_service_up", service="database") == 1
