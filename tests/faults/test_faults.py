"""Faults under a write load through nginx and two replicas (deploy/up.sh): Redis killed and
restarted, PostgreSQL connections lost and back, a replica killed mid-write. After each: no
acknowledged write is lost, no row lacks its version or audit row, errors are few and carry the
expected codes, and writes succeed again without anything being restarted.

Slow (a topology of its own, about a minute): `make faults` runs only these."""

import json
import time
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import psycopg
import pytest

from tests.deploy.topology import Topology, manage, running
from tests.faults.harness import (
    Outcome,
    OwnRedis,
    Writer,
    kill_process_group,
    lost,
    recovered,
    terminate_backends,
    under_load,
    without_history,
)

pytestmark = [pytest.mark.postgres, pytest.mark.redis]

GM_EMAIL = "gm@faults.example"
GM_PASSWORD = "fault-tests-password-1"
THREADS = 4


@dataclass(frozen=True)
class Scene:
    topology: Topology
    redis: OwnRedis
    writer: Writer

    def database(self) -> psycopg.Connection[tuple[Any, ...]]:
        return psycopg.connect(self.topology.database_url, autocommit=True)


def sign_in(topology: Topology) -> str:
    status, _, body = topology.request(
        "POST",
        "/auth/login",
        json.dumps({"email": GM_EMAIL, "password": GM_PASSWORD}),
        {"Content-Type": "application/json"},
    )
    assert status == 200, body
    return str(json.loads(body)["accessToken"])


@pytest.fixture(scope="module")
def scene(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Scene]:
    redis = OwnRedis(tmp_path_factory.mktemp("redis"))
    redis.start()
    try:
        # The replicas' cache, channel layer and broker all live on the test's own Redis.
        with running(tmp_path_factory.mktemp("faults"), REDIS_URL=redis.url) as topology:
            manage(topology, "seed_demo", "--email", GM_EMAIL, "--password", GM_PASSWORD)
            token = sign_in(topology)
            _, _, body = topology.request(
                "POST",
                "/graphql",
                json.dumps({"query": "{ campaigns { id } }"}),
                {"Content-Type": "application/json", "Authorization": f"Bearer {token}"},
            )
            campaign_id = json.loads(body)["data"]["campaigns"][0]["id"]
            yield Scene(topology, redis, Writer(topology, token, campaign_id))
    finally:
        redis.stop()


def check_invariants(scene: Scene, outcome: Outcome, prefix: str) -> None:
    acknowledged = outcome.acknowledged
    # Shown with -s: what the fault cost.
    print(f"{prefix}: {len(acknowledged)} writes acknowledged, errors {dict(outcome.errors)}")
    with scene.database() as connection:
        assert lost(connection, acknowledged) == []
        assert without_history(connection, prefix) == 0


def test_redis_killed_and_restarted_under_load(scene: Scene) -> None:
    pids = scene.topology.pids()

    def fault() -> None:
        scene.redis.kill()
        time.sleep(3)
        scene.redis.start()

    outcome = under_load(scene.writer, fault, "fault-redis", THREADS)

    check_invariants(scene, outcome, "fault-redis")
    # The cache, channel layer and broker are optional for a write: it is still acknowledged.
    assert set(outcome.errors) <= {"SERVICE_UNAVAILABLE"}
    assert sum(outcome.errors.values()) <= THREADS
    assert outcome.acknowledged
    assert recovered(scene.writer, "fault-redis")
    assert scene.topology.pids() == pids


def test_postgresql_connections_lost_and_back(scene: Scene) -> None:
    pids = scene.topology.pids()

    outcome = under_load(
        scene.writer,
        lambda: terminate_backends(scene.topology.database_url, seconds=3),
        "fault-pg",
        THREADS,
    )

    check_invariants(scene, outcome, "fault-pg")
    # A write whose connection was cut is refused as a whole, with the outage's code.
    assert set(outcome.errors) <= {"SERVICE_UNAVAILABLE", "HTTP 503"}
    # Errors stop with the fault: a dead pooled connection is replaced, not reused.
    assert outcome.seconds_of_errors_after_the_fault() < 1
    assert recovered(scene.writer, "fault-pg")
    assert scene.topology.pids() == pids


def test_a_replica_killed_mid_write(scene: Scene) -> None:
    """Last: it leaves one HTTP replica."""
    web1 = scene.topology.pids()["web1"]

    outcome = under_load(scene.writer, lambda: kill_process_group(web1), "fault-replica", THREADS)

    check_invariants(scene, outcome, "fault-replica")
    # In-flight requests on the killed replica get nginx's 502 (a POST is never retried on the
    # other replica, it may have committed), or, when the replica died while nginx was already
    # passing its answer on, an answer cut short; then nginx sends everything to the other one.
    assert set(outcome.errors) <= {"HTTP 502", "IncompleteRead"}
    assert sum(outcome.errors.values()) <= 3 * THREADS
    assert outcome.seconds_of_errors_after_the_fault() < 1
    assert recovered(scene.writer, "fault-replica")
