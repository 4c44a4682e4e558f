import pytest
from django.test import Client


def test_liveness_needs_no_dependency(client: Client) -> None:
    response = client.get("/health/live/")

    assert response.status_code == 200
    assert response.json() == {"status": "ok"}


@pytest.mark.django_db
def test_readiness_is_healthy_with_its_dependencies_up(client: Client) -> None:
    response = client.get("/health/?format=json")

    assert response.status_code == 200, response.content


@pytest.mark.redis
@pytest.mark.django_db
def test_readiness_checks_redis_when_configured(client: Client) -> None:
    response = client.get("/health/?format=json")

    assert response.status_code == 200
    assert any("Redis" in name for name in response.json())


@pytest.mark.django_db
def test_readiness_is_503_when_redis_is_unreachable(client: Client, settings: object) -> None:
    # Nothing listens on port 1: this is Redis being down, as a load balancer would see it.
    settings.REDIS_CACHE_URL = "redis://127.0.0.1:1/0"  # type: ignore[attr-defined]

    response = client.get("/health/?format=json")

    assert response.status_code == 503
    body = response.json()
    assert any("Redis" in name and body[name] != "OK" for name in body), body
