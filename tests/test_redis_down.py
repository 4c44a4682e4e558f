"""Redis down (its process stopped: connections are refused): the API keeps answering from the
database, /health/ says "degraded" and keeps the replica in rotation, and when Redis is back the
same process uses it again, without a restart.

The test runs a redis-server of its own on a spare port, never the shared one, and points the
cache, the readiness check and the channel layer at it with the production options.
"""

import subprocess
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import pytest
from django.conf import settings as django_settings
from django.core.cache import cache
from django.db import transaction
from django.test import Client

from campaign.models import Campaign, Settlement
from kernel import generations
from kernel.actor import Actor
from tests import builders
from tests.conftest import Personas
from tests.graphql_client import GraphQLClient, ok
from tests.test_redis_outage import free_port, wait_until_serving

pytestmark = pytest.mark.redis

HEALTH_TOKEN = "monitor-secret"
READ_SETTLEMENT = "query($id: ID!) { settlement(id: $id) { name version } }"
RENAME_SETTLEMENT = """
mutation($id: ID!) { updateSettlement(id: $id, input: {name: "Tuskwater"}) { name version } }
"""


@dataclass
class OwnRedis:
    port: int
    server: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    def start(self) -> None:
        options = ["--port", str(self.port), "--bind", "127.0.0.1", "--save", "", "--appendonly"]
        self.server = subprocess.Popen(["redis-server", *options, "no"], stdout=subprocess.DEVNULL)
        wait_until_serving(self.port)

    def stop(self) -> None:
        if self.server is not None:
            self.server.terminate()
            self.server.wait(timeout=10)
            self.server = None


@pytest.fixture
def own_redis(settings: Any) -> Iterator[OwnRedis]:
    own = OwnRedis(free_port())
    own.start()
    settings.CACHES = {"default": {**django_settings.CACHES["default"], "LOCATION": own.url}}
    settings.REDIS_CACHE_URL = own.url
    production: dict[str, Any] = django_settings.CHANNEL_LAYERS["default"]
    [host] = production["CONFIG"]["hosts"]
    settings.CHANNEL_LAYERS = {
        "default": {**production, "CONFIG": {"hosts": [{**host, "address": own.url}]}}
    }
    settings.HEALTH_TOKEN = HEALTH_TOKEN
    try:
        yield own
    finally:
        own.stop()


def health(client: Client) -> tuple[int, dict[str, Any]]:
    response = client.get("/health/", headers={"X-Health-Token": HEALTH_TOKEN})
    body: dict[str, Any] = response.json()
    return response.status_code, body


@pytest.mark.django_db(transaction=True)
def test_with_redis_down_the_api_answers_from_the_database_and_health_is_degraded(
    client: Client,
    gql: GraphQLClient,
    personas: Personas,
    owner: Actor,
    campaign: Campaign,
    own_redis: OwnRedis,
) -> None:
    # Given a settlement, read once while Redis is up
    settlement = builders.settlement(owner, builders.kingdom(owner, campaign), name="Oleg's")
    variables = {"id": str(settlement.uid)}
    ok(gql(READ_SETTLEMENT, variables, "viewer"))
    assert health(client) == (
        200,
        {"status": "ok", "checks": {"database": "ok", "cache": "ok", "redis": "ok"}},
    )

    # When Redis stops
    own_redis.stop()

    # Then reads and writes are answered from the database
    assert ok(gql(READ_SETTLEMENT, variables, "viewer")) == {
        "settlement": {"name": "Oleg's", "version": 1}
    }
    renamed = ok(gql(RENAME_SETTLEMENT, variables, user=personas.owner))
    assert renamed == {"updateSettlement": {"name": "Tuskwater", "version": 2}}
    assert Settlement.objects.get(pk=settlement.pk).name == "Tuskwater"
    # And readiness keeps the replica in rotation, naming Redis as what failed
    status, body = health(client)
    assert (status, body["status"]) == (200, "degraded")
    assert body["checks"]["database"] == "ok"
    assert body["checks"]["redis"] != "ok"
    assert ok(gql("{ health { status } }", user=personas.viewer)) == {
        "health": {"status": "degraded"}
    }

    # When Redis comes back on the same address, this process not restarted
    own_redis.start()

    # Then health is ok again, the cache is used again, and reads see the write made meanwhile
    assert health(client) == (
        200,
        {"status": "ok", "checks": {"database": "ok", "cache": "ok", "redis": "ok"}},
    )
    cache.set("back", "yes")
    assert cache.get("back") == "yes"
    assert ok(gql(READ_SETTLEMENT, variables, "viewer")) == {
        "settlement": {"name": "Tuskwater", "version": 2}
    }


@pytest.mark.django_db(transaction=True)
def test_with_redis_down_a_committed_transactions_bumps_never_raise(own_redis: OwnRedis) -> None:
    # Given Redis down
    own_redis.stop()

    # When a transaction that bumps generations commits, then the same bumps are made directly
    with transaction.atomic():
        generations.bump_on_commit(generations.key("c", "b"), generations.CAMPAIGNS)
    generations.bump_many([generations.audit_key("c")])

    # Then nothing raised, and with Redis back the bumps are made there again
    own_redis.start()
    generations.bump_many([generations.CAMPAIGNS])
    assert generations.current_many([generations.CAMPAIGNS])[0] > 0
