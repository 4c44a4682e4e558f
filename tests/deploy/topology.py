"""Start and stop the `make up` topology (deploy/up.sh) for a test, on its own database, ports
and directory, against the PostgreSQL and Redis the tests use."""

import http.client
import os
import socket
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import psycopg

ROOT = Path(__file__).resolve().parents[2]
REPLICAS = 2


def free_base_port() -> int:
    """A port p such that p+1…p+2 and p+51…p+52 (the replicas) and p (nginx) are free."""
    for base in range(20100, 40000, 100):
        ports = [base, base + 1, base + 2, base + 51, base + 52]
        sockets = []
        try:
            for port in ports:
                sock = socket.socket()
                sockets.append(sock)
                sock.bind(("127.0.0.1", port))
            return base
        except OSError:
            continue
        finally:
            for sock in sockets:
                sock.close()
    raise RuntimeError("no free ports")


@dataclass(frozen=True)
class Topology:
    directory: Path
    base_port: int
    settings: dict[str, str] = field(default_factory=dict)
    """Environment variables for every process, on top of the test run's own."""

    @property
    def database_url(self) -> str:
        """A database of its own next to the test database (one per topology, so parallel
        test processes never share one), created and migrated by up.sh, dropped by ``running``."""
        return f"{os.environ['DATABASE_URL'].rstrip('/')}_topology{self.base_port}"

    def environment(self) -> dict[str, str]:
        return {
            **os.environ,
            "DEPLOY_DIR": str(self.directory),
            "HTTP_PORT": str(self.base_port),
            "BASE_PORT": str(self.base_port),
            "REPLICAS": str(REPLICAS),
            "DATABASE_URL": self.database_url,
            **self.settings,
        }

    @property
    def http_port(self) -> int:
        return self.base_port

    def http_ports(self) -> set[int]:
        return {self.base_port + i for i in range(1, REPLICAS + 1)}

    def ws_ports(self) -> set[int]:
        return {self.base_port + 50 + i for i in range(1, REPLICAS + 1)}

    def pids(self) -> dict[str, int]:
        return {
            path.stem: int(path.read_text())
            for path in (self.directory / "run").glob("*.pid")
            if path.read_text().strip()
        }

    def request(
        self, method: str, path: str, body: str | None = None, headers: dict[str, str] | None = None
    ) -> tuple[int, http.client.HTTPMessage, bytes]:
        """The answer's status, headers (looked up whatever their case) and body."""
        connection = http.client.HTTPConnection("127.0.0.1", self.http_port, timeout=30)
        try:
            connection.request(method, path, body=body, headers=headers or {})
            response = connection.getresponse()
            return response.status, response.headers, response.read()
        finally:
            connection.close()


def up(topology: Topology) -> None:
    subprocess.run(
        ["bash", str(ROOT / "deploy" / "up.sh")],
        env=topology.environment(),
        check=True,
        timeout=300,
    )


def down(topology: Topology) -> None:
    subprocess.run(
        ["bash", str(ROOT / "deploy" / "down.sh")],
        env=topology.environment(),
        check=True,
        timeout=120,
    )


def manage(topology: Topology, *arguments: str) -> str:
    """A manage.py command run against the topology's database and services."""
    return subprocess.run(
        [str(ROOT / ".venv" / "bin" / "python"), str(ROOT / "manage.py"), *arguments],
        env=topology.environment(),
        check=True,
        timeout=300,
        capture_output=True,
        text=True,
    ).stdout


@contextmanager
def running(directory: Path, **settings: str) -> Iterator[Topology]:
    """Up, then down however the block ends (down stops only what is still running)."""
    topology = Topology(directory, free_base_port(), settings)
    try:
        up(topology)
        yield topology
    finally:
        down(topology)
        drop_database(topology.database_url)


def drop_database(url: str) -> None:
    name = url.rsplit("/", 1)[1]
    with psycopg.connect(url.rsplit("/", 1)[0] + "/postgres", autocommit=True) as connection:
        connection.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
