"""What the fault tests drive: a Redis server of their own, a write load through nginx that
records which writes were acknowledged, and the invariants checked afterwards in the database."""

import http.client
import json
import os
import signal
import socket
import subprocess
import threading
import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import psycopg

from tests.deploy.topology import Topology

CREATE_PARTY = """
mutation Create($input: CreatePartyInput!) { createParty(input: $input) { id version } }
"""


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class OwnRedis:
    """A redis-server of this test's own (the shared one is never touched), with an append-only
    file so that a restart keeps queued tasks, as in production."""

    directory: Path
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}"

    def start(self) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        self.process = subprocess.Popen(
            [
                "redis-server",
                "--port",
                str(self.port),
                "--bind",
                "127.0.0.1",
                "--save",
                "",
                "--appendonly",
                "yes",
                "--maxmemory-policy",
                "noeviction",
                "--dir",
                str(self.directory),
            ],
            stdout=subprocess.DEVNULL,
        )
        for _ in range(100):
            try:
                with socket.create_connection(("127.0.0.1", self.port), timeout=0.2):
                    return
            except OSError:
                time.sleep(0.05)
        raise RuntimeError("redis-server did not start")

    def kill(self) -> None:
        assert self.process is not None
        self.process.send_signal(signal.SIGKILL)
        self.process.wait()

    def stop(self) -> None:
        if self.process is not None and self.process.poll() is None:
            self.process.terminate()
            self.process.wait(10)


@dataclass
class Outcome:
    acknowledged: list[str] = field(default_factory=list)
    errors: Counter[str] = field(default_factory=Counter)
    last_error_at: float = 0.0
    fault_ended_at: float = 0.0
    lock: threading.Lock = field(default_factory=threading.Lock)

    def record(self, party_id: str | None, error: str | None) -> None:
        with self.lock:
            if party_id is not None:
                self.acknowledged.append(party_id)
            if error is not None:
                self.errors[error] += 1
                self.last_error_at = time.monotonic()

    def seconds_of_errors_after_the_fault(self) -> float:
        return max(0.0, self.last_error_at - self.fault_ended_at)


@dataclass
class Writer:
    topology: Topology
    token: str
    campaign_id: str

    def create_party(self, name: str) -> tuple[str | None, str | None]:
        """The new party's id when the write was acknowledged, else what went wrong: an
        ``extensions.code``, ``HTTP <status>`` or the connection error's name."""
        body = json.dumps(
            {
                "query": CREATE_PARTY,
                "variables": {"input": {"campaignId": self.campaign_id, "name": name}},
            }
        )
        connection = http.client.HTTPConnection("127.0.0.1", self.topology.http_port, timeout=30)
        try:
            connection.request(
                "POST",
                "/graphql",
                body,
                {"Content-Type": "application/json", "Authorization": f"Bearer {self.token}"},
            )
            response = connection.getresponse()
            payload = response.read()
        except (OSError, http.client.HTTPException) as error:
            # A connection refused or reset, or an answer cut short (IncompleteRead): not
            # acknowledged, named for the test to judge.
            return None, type(error).__name__
        finally:
            connection.close()
        if response.status != 200:
            return None, f"HTTP {response.status}"
        answer = json.loads(payload)
        if answer.get("errors"):
            return None, str(answer["errors"][0].get("extensions", {}).get("code"))
        return str(answer["data"]["createParty"]["id"]), None


def load(writer: Writer, stop: threading.Event, threads: int, prefix: str) -> Outcome:
    """Writes from ``threads`` clients, one after the other each, until ``stop`` is set."""
    outcome = Outcome()

    def client(number: int) -> None:
        sequence = 0
        while not stop.is_set():
            sequence += 1
            outcome.record(*writer.create_party(f"{prefix}-{number}-{sequence}"))

    workers = [threading.Thread(target=client, args=(n,)) for n in range(threads)]
    for worker in workers:
        worker.start()
    stop.wait()
    for worker in workers:
        worker.join(60)
    return outcome


def under_load(writer: Writer, fault: Callable[[], None], prefix: str, threads: int = 4) -> Outcome:
    """Load before, during and after ``fault`` (which returns once the fault is over)."""
    stop = threading.Event()
    result: list[Outcome] = []
    runner = threading.Thread(target=lambda: result.append(load(writer, stop, threads, prefix)))
    runner.start()
    time.sleep(1.5)
    fault()
    ended = time.monotonic()
    time.sleep(3)
    stop.set()
    runner.join(120)
    result[0].fault_ended_at = ended
    return result[0]


def recovered(writer: Writer, prefix: str, within_seconds: float = 20) -> bool:
    """Writes succeed again, without anything having been restarted, and keep succeeding."""
    deadline = time.monotonic() + within_seconds
    while time.monotonic() < deadline:
        if writer.create_party(f"{prefix}-probe")[0] is not None:
            return all(writer.create_party(f"{prefix}-after-{n}")[0] for n in range(10))
        time.sleep(0.5)
    return False


def database(topology_env_url: str) -> psycopg.Connection[tuple[Any, ...]]:
    return psycopg.connect(topology_env_url, autocommit=True)


def lost(connection: psycopg.Connection[tuple[Any, ...]], party_ids: list[str]) -> list[str]:
    """Acknowledged parties that are not in the database."""
    rows = connection.execute(
        "SELECT uid::text FROM campaign_party WHERE uid::text = ANY(%s)", [party_ids]
    ).fetchall()
    return sorted(set(party_ids) - {str(uid) for (uid,) in rows})


def without_history(connection: psycopg.Connection[tuple[Any, ...]], prefix: str) -> int:
    """Parties written by the load (named ``prefix…``) that lack a version or an audit row for a
    change: an action writes one of each per change, in its transaction."""
    row = connection.execute(
        """
        SELECT count(*) FROM campaign_party p
        WHERE p.name LIKE %s AND ((SELECT count(*) FROM campaign_version v
               WHERE v.entity_type = 'party' AND v.entity_uid = p.uid AND v.branch_id = p.branch_id)
           <> p.version
           OR (SELECT count(*) FROM campaign_auditlog a
               WHERE a.entity_type = 'party' AND a.entity_id = p.uid::text
                 AND a.branch_id = p.branch_id)
           <> p.version)
        """,
        [f"{prefix}%"],
    ).fetchone()
    assert row is not None
    return int(row[0])


def terminate_backends(url: str, seconds: float) -> None:
    """Connection loss without stopping the shared server: for ``seconds``, every session of the
    topology's own database is terminated as soon as it appears."""
    with psycopg.connect(url, autocommit=True) as connection:
        name = connection.info.dbname
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            connection.execute(
                "SELECT pg_terminate_backend(pid) FROM pg_stat_activity "
                "WHERE datname = %s AND pid <> pg_backend_pid()",
                [name],
            )
            time.sleep(0.1)


def kill_process_group(pid: int) -> None:
    """SIGKILL a replica's whole process group (its master and workers), mid-request."""
    os.killpg(os.getpgid(pid), signal.SIGKILL)
