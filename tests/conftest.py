"""Shared fixtures: a world, a campaign and one persona per role."""

import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.test import Client

from api.graphql import addresses
from campaign.actions import campaigns, worlds
from campaign.auth import user_cache
from campaign.models import AuditLog, Campaign, Role, User, Version, World
from kernel.actor import Actor
from tests.graphql_client import GraphQLClient


@dataclass(frozen=True)
class Personas:
    owner: User
    gm: User
    player: User
    viewer: User
    outsider: User

    def actor(self, name: str) -> Actor:
        return Actor(getattr(self, name))


def make_user(email: str, **extra: object) -> User:
    return User.objects.create_user(email, "correct horse battery staple", **extra)


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings: Any) -> None:
    # Tests create many users; the production hasher is slow by design.
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _empty_cache() -> None:
    # A shared Redis cache would otherwise carry results from one test into the next, and the
    # process's addresses of kept answers the query counts of a test's first requests.
    cache.clear()
    addresses.book.clear()


@pytest.fixture(autouse=True)
def _users_read_every_request(monkeypatch: pytest.MonkeyPatch) -> None:
    # With Redis, a token's user is kept after its first request (campaign/auth/user_cache.py),
    # so a test's first request would cost a query more than the next; tests counting queries
    # count the user every time. tests/campaign/test_user_cache.py tests the keeping.
    monkeypatch.setattr(user_cache, "shared", lambda: False)


@pytest.fixture
def gql(client: Client) -> GraphQLClient:
    """Send GraphQL operations (see ``tests/graphql_client.py``)."""
    return GraphQLClient(client)


@pytest.fixture
def writes() -> Callable[[], tuple[int, int]]:
    """How many versions and audit rows there are: a refused change adds none."""
    return lambda: (Version.objects.count(), AuditLog.objects.count())


@pytest.fixture
def personas(db: None) -> Personas:
    return Personas(
        owner=make_user("owner@example.com", name="Olga Owner"),
        gm=make_user("gm@example.com", name="Gary GM"),
        player=make_user("player@example.com", name="Pia Player"),
        viewer=make_user("viewer@example.com", name="Vic Viewer"),
        outsider=make_user("outsider@example.com", name="Otto Outsider"),
    )


@pytest.fixture
def owner(personas: Personas) -> Actor:
    return personas.actor("owner")


@pytest.fixture
def world(owner: Actor) -> World:
    return worlds.create_world(owner, data={"name": "Golarion", "calendars": []})


@pytest.fixture
def campaign(owner: Actor, world: World, personas: Personas) -> Campaign:
    created = campaigns.create_campaign(owner, world_id=world.pk, data={"name": "Kingmaker"})
    for name, role in (("gm", Role.GM), ("player", Role.PLAYER), ("viewer", Role.VIEWER)):
        campaigns.add_member(
            owner, campaign_id=created.pk, user_id=getattr(personas, name).pk, role=role
        )
    return created


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Service-bound tests run where the service is configured. On the embedded default they
    are skipped, but CI sets REQUIRE_SERVICES=1, which turns a missing service into a failure."""
    required = os.environ.get("REQUIRE_SERVICES") == "1"
    missing = {
        "postgres": connection.vendor != "postgresql",
        "redis": not settings.REDIS_URL,
    }
    for item in items:
        for marker, absent in missing.items():
            if absent and item.get_closest_marker(marker):
                if required:
                    item.add_marker(pytest.mark.usefixtures("_fail_missing_service"), append=False)
                else:
                    item.add_marker(pytest.mark.skip(reason=f"needs {marker} (set its URL)"))


@pytest.fixture
def _fail_missing_service() -> None:
    pytest.fail("A service this test needs is not configured (DATABASE_URL / REDIS_URL)")
