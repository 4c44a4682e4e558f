"""Liveness and readiness: anyone learns whether the service is up, only operators learn why.
Redis down is "degraded" (200: the API answers from the database), the database down "unavailable"
(503; tests/test_service_outage.py)."""

from typing import Any

import pytest
from django.test import Client

from api import health
from tests.conftest import make_user
from tests.graphql_client import GraphQLClient

# Nothing listens on port 1: this is Redis being down, as a load balancer would see it.
DEAD_REDIS = "redis://127.0.0.1:1/0"
HEALTH_TOKEN = "monitor-secret"
REDIS_DOWN = "Unavailable: Unable to connect to Redis: Connection Error"


def test_liveness_needs_no_dependency(client: Client) -> None:
    response = client.get("/health/live/")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.django_db
def test_readiness_is_healthy_with_its_dependencies_up(client: Client) -> None:
    response = client.get("/health/")

    assert response.status_code == 200, response.content
    assert response.json() == {"status": "ok"}
    assert "no-store" in response["Cache-Control"]


@pytest.mark.redis
@pytest.mark.django_db
def test_readiness_checks_redis_when_configured(client: Client, settings: Any) -> None:
    # Given a monitor holding the health token
    settings.HEALTH_TOKEN = HEALTH_TOKEN

    # When it asks for readiness
    response = client.get("/health/", headers={"X-Health-Token": HEALTH_TOKEN})

    # Then Redis is among the checks, and up
    assert response.status_code == 200
    assert response.json() == {
        "status": "ok",
        "checks": {"database": "ok", "cache": "ok", "redis": "ok"},
    }


@pytest.mark.django_db
def test_anonymous_readiness_says_only_degraded_when_redis_is_down(
    client: Client, settings: Any
) -> None:
    # Given Redis down
    settings.REDIS_CACHE_URL = DEAD_REDIS

    # When an anonymous client asks (?format=json asked for every check's message before)
    response = client.get("/health/?format=json")

    # Then the replica stays in rotation (it answers from the database); nothing about Redis
    assert response.status_code == 200
    assert response.content == b'{"status": "degraded"}'
    assert "Retry-After" not in response


@pytest.mark.django_db
def test_a_monitor_with_the_health_token_sees_which_check_failed(
    client: Client, settings: Any
) -> None:
    # Given Redis down and a configured health token
    settings.REDIS_CACHE_URL = DEAD_REDIS
    settings.HEALTH_TOKEN = HEALTH_TOKEN

    # When a monitor sends the token
    response = client.get("/health/", headers={"X-Health-Token": HEALTH_TOKEN})

    # Then it sees each check, Redis named as the one failing
    assert response.status_code == 200
    assert response.json() == {
        "status": "degraded",
        "checks": {"database": "ok", "cache": "ok", "redis": REDIS_DOWN},
    }


@pytest.mark.django_db
def test_a_staff_user_signed_in_to_the_admin_sees_each_check(client: Client, settings: Any) -> None:
    # Given Redis down and a staff user's admin session
    settings.REDIS_CACHE_URL = DEAD_REDIS
    client.force_login(make_user("staff@example.com", is_staff=True))

    # When they open /health/
    response = client.get("/health/")

    # Then they see each check
    assert response.json()["checks"] == {"database": "ok", "cache": "ok", "redis": REDIS_DOWN}


@pytest.mark.parametrize(
    ("configured", "sent"),
    [
        pytest.param(HEALTH_TOKEN, "wrong-secret", id="wrong-token"),
        pytest.param(HEALTH_TOKEN, "", id="empty-token"),
        pytest.param("", "", id="no-token-configured"),
        pytest.param(HEALTH_TOKEN, "monitor-secrét", id="non-ascii-token"),
    ],
)
@pytest.mark.django_db
def test_a_wrong_or_unconfigured_health_token_sees_only_the_status(
    client: Client, settings: Any, configured: str, sent: str
) -> None:
    # Given Redis down
    settings.REDIS_CACHE_URL = DEAD_REDIS
    settings.HEALTH_TOKEN = configured

    # When a client sends a token that is not the configured one
    response = client.get("/health/", headers={"X-Health-Token": sent})

    # Then it learns only the status
    assert response.json() == {"status": "degraded"}


@pytest.mark.django_db
def test_a_signed_in_user_who_is_not_staff_sees_only_the_status(
    client: Client, settings: Any
) -> None:
    settings.REDIS_CACHE_URL = DEAD_REDIS
    client.force_login(make_user("player@example.com"))

    response = client.get("/health/")

    assert response.json() == {"status": "degraded"}


def graphql_health(gql: GraphQLClient, query: str) -> dict[str, Any]:
    response = gql.response(query)
    assert response.status_code == 200, response.content
    body: dict[str, Any] = response.json()
    return body


@pytest.mark.django_db
def test_graphql_health_agrees_with_readiness(gql: GraphQLClient, settings: Any) -> None:
    # Given Redis down
    settings.REDIS_CACHE_URL = DEAD_REDIS

    # When GraphQL's health is asked
    body = graphql_health(gql, "{ health { status version } }")

    # Then it is degraded too
    assert body == {"data": {"health": {"status": "degraded", "version": "1.0.0"}}}


@pytest.mark.django_db
def test_graphql_health_runs_the_checks_once_per_request(
    gql: GraphQLClient, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given a count of readiness runs
    runs: list[None] = []
    checks = health.readiness_checks

    def counted() -> dict[str, Any]:
        runs.append(None)
        return checks()

    monkeypatch.setattr(health, "readiness_checks", counted)
    aliases = " ".join(f"h{n}: health {{ status }}" for n in range(50))

    # When one document asks for health under 50 aliases
    body = graphql_health(gql, f"{{ {aliases} }}")

    # Then every alias answers from one run of the checks
    assert body["data"] == {f"h{n}": {"status": "ok"} for n in range(50)}
    assert len(runs) == 1
