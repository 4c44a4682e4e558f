"""Start and stop the `make up` topology (deploy/up.sh) for a test, on its own database, ports
and directory, against the PostgreSQL and Redis the tests use."""

import http.client
import os
import socket
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

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
    ) -> tuple[int, dict[str, str], bytes]:
        connection = http.client.HTTPConnection("127.0.0.1", self.http_port, timeout=30)
        try:
            connection.request(method, path, body=body, headers=headers or {})
            response = connection.getresponse()
            return response.status, dict(response.getheaders()), response.read()
        finally:
            connection.close()


def environment(directory: Path, base_port: int) -> dict[str, str]:
    database_url = os.environ["DATABASE_URL"].rstrip("/")
    return {
        **os.environ,
        "DEPLOY_DIR": str(directory),
        "HTTP_PORT": str(base_port),
        "BASE_PORT": str(base_port),
        "REPLICAS": str(REPLICAS),
        # A database of its own next to the test database, migrated by up.sh.
        "DATABASE_URL": f"{database_url}_topology",
    }


def up(topology: Topology) -> None:
    env = environment(topology.directory, topology.base_port)
    subprocess.run(["bash", str(ROOT / "deploy" / "up.sh")], env=env, check=True, timeout=300)


def down(topology: Topology) -> None:
    env = environment(topology.directory, topology.base_port)
    subprocess.run(["bash", str(ROOT / "deploy" / "down.sh")], env=env, check=True, timeout=120)


@contextmanager
def running(directory: Path) -> Iterator[Topology]:
    """Up, then down however the block ends (down stops only what is still running)."""
    topology = Topology(directory, free_base_port())
    try:
        up(topology)
        yield topology
    finally:
        down(topology)
