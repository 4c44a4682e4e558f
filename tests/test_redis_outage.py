"""A frozen Redis (a stopped process: the kernel still accepts connections, replies never come)
slows requests by the configured timeouts instead of hanging them for as long as it is frozen.

Each test freezes a redis-server of its own, never the shared one, and points the cache or the
channel layer at it with the production options. The Redis thaws after ``FROZEN_SECONDS`` however
the test goes, so a hang becomes a failure ("Redis had to thaw first"), never a stuck suite.
"""

import logging
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import redis
from django.conf import settings as django_settings
from django.core.cache import cache

from campaign.models import Campaign, Settlement
from kernel.actor import Actor
from realtime import publish
from realtime.publish import room
from tests import builders
from tests.conftest import Personas
from tests.graphql_client import GraphQLClient

pytestmark = pytest.mark.redis

FROZEN_SECONDS = 60
HANG_SECONDS = 30
REPO = Path(__file__).resolve().parents[1]
RENAME_SETTLEMENT = """
mutation($id: ID!) { updateSettlement(id: $id, input: {name: "Tuskwater"}) { name version } }
"""


@dataclass
class FrozenRedis:
    url: str
    thaw: threading.Timer

    def still_frozen(self) -> bool:
        return not self.thaw.finished.is_set()


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


@pytest.fixture
def frozen_redis() -> Iterator[FrozenRedis]:
    port = free_port()
    options = ["--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"]
    server = subprocess.Popen(["redis-server", *options], stdout=subprocess.DEVNULL)
    thaw = threading.Timer(FROZEN_SECONDS, os.kill, (server.pid, signal.SIGCONT))
    try:
        wait_until_serving(port)
        os.kill(server.pid, signal.SIGSTOP)
        thaw.start()
        yield FrozenRedis(f"redis://127.0.0.1:{port}/0", thaw)
    finally:
        thaw.cancel()
        os.kill(server.pid, signal.SIGCONT)
        server.terminate()
        server.wait(timeout=10)


def wait_until_serving(port: int) -> None:
    with redis.Redis(port=port, socket_timeout=1) as probe:
        for _ in range(100):
            try:
                probe.ping()
                return
            except redis.ConnectionError:
                time.sleep(0.1)
    pytest.fail(f"redis-server on port {port} did not start")


@pytest.fixture
def frozen_cache(settings: Any, frozen_redis: FrozenRedis) -> FrozenRedis:
    settings.CACHES = {
        "default": {**django_settings.CACHES["default"], "LOCATION": frozen_redis.url}
    }
    return frozen_redis


@pytest.fixture
def frozen_channel_layer(settings: Any, frozen_redis: FrozenRedis) -> FrozenRedis:
    production: dict[str, Any] = django_settings.CHANNEL_LAYERS["default"]
    [host] = production["CONFIG"]["hosts"]
    settings.CHANNEL_LAYERS = {
        "default": {**production, "CONFIG": {"hosts": [{**host, "address": frozen_redis.url}]}}
    }
    return frozen_redis


def test_cache_calls_give_up_on_a_frozen_redis(frozen_cache: FrozenRedis) -> None:
    cache.set("key", "value")

    assert cache.get("key", "missing") == "missing"
    assert frozen_cache.still_frozen(), "Redis had to thaw first"


@pytest.mark.django_db(transaction=True)
def test_a_write_is_committed_and_answered_while_redis_is_frozen(
    gql: GraphQLClient,
    personas: Personas,
    owner: Actor,
    campaign: Campaign,
    frozen_cache: FrozenRedis,
    frozen_channel_layer: FrozenRedis,
    caplog: pytest.LogCaptureFixture,
) -> None:
    settlement = builders.settlement(owner, builders.kingdom(owner, campaign))
    assert publish.flush(HANG_SECONDS)  # the setup's events, each given up on in turn
    caplog.clear()

    response = gql.response(RENAME_SETTLEMENT, {"id": str(settlement.uid)}, user=personas.owner)

    assert response.json() == {"data": {"updateSettlement": {"name": "Tuskwater", "version": 2}}}
    assert Settlement.objects.get(pk=settlement.pk).version == 2
    # The response did not wait for the event, which is sent from the process's queue.
    assert publish.flush()
    assert frozen_channel_layer.still_frozen(), "Redis had to thaw first"
    # One event for both rooms, given up on once.
    [dropped] = [r for r in caplog.records if r.name == "realtime.publish"]
    assert dropped.levelno == logging.ERROR
    assert dropped.getMessage() == (
        f"Publishing settlement_updated to {room('campaign', campaign.pk)}, "
        f"{room('settlement', settlement.uid)} timed out after 1.0 s; the event was dropped"
    )


def test_enqueueing_follow_up_work_gives_up_on_a_frozen_broker(frozen_redis: FrozenRedis) -> None:
    # In a fresh interpreter, so that Celery's connection pools are built for the frozen broker.
    enqueue = (
        "import django; django.setup();"
        "from rules import tasks; from campaign.actions import follow_up;"
        "follow_up.after_commit(tasks.recompute_rule_dependents, 'b', [])"
    )
    environment = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    environment |= {
        "DJANGO_SETTINGS_MODULE": "config.settings",
        "SQLITE_PATH": ":memory:",  # on_commit asks a database whether it is in a transaction
        "CELERY_BROKER_URL": frozen_redis.url,
        "CELERY_TASK_ALWAYS_EAGER": "0",
    }

    result = subprocess.run(
        [sys.executable, "-c", enqueue],
        cwd=REPO,
        env=environment,
        capture_output=True,
        text=True,
        timeout=HANG_SECONDS,
        check=False,
    )

    assert frozen_redis.still_frozen(), "Redis had to thaw first"
    assert result.returncode == 0, result.stderr
    assert "Could not enqueue campaign.recompute_rule_dependents('b', [])" in result.stderr


def test_events_that_find_the_queue_full_are_dropped_and_named(
    frozen_channel_layer: FrozenRedis,
    monkeypatch: pytest.MonkeyPatch,
    caplog: pytest.LogCaptureFixture,
) -> None:
    # Given a process whose queue holds one event, publishing to a frozen Redis
    monkeypatch.setattr(publish, "QUEUE_SIZE", 1)
    burst = 5

    # When a burst of events is published faster than a send gives up (a second)
    for n in range(burst):
        publish.send_now([f"campaign.{n}"], publish.make_event(f"burst_{n}", {}))
    assert publish.flush(HANG_SECONDS)

    # Then each is either sent (and given up on) or dropped at once for want of room, by name
    assert frozen_channel_layer.still_frozen(), "Redis had to thaw first"
    messages = [r.getMessage() for r in caplog.records if r.name == "realtime.publish"]
    full = [m for m in messages if m.startswith("The publishing queue is full")]
    assert len(full) >= burst - 2  # one event being sent, one waiting
    assert len(messages) == burst
    for n in range(burst):
        assert sum(f"burst_{n} to campaign.{n} " in m for m in messages) == 1
