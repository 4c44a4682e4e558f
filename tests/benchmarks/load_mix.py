"""What bench_load's clients send (a ``Mix``), what a run of them measured (``Figures``), and the
asyncio client (``load``: keep-alive HTTP/1.1 connections in this process); ``wrk_client`` sends
the same ``Mix`` through wrk."""

import asyncio
import itertools
import json
import statistics
import time
from dataclasses import dataclass
from urllib.parse import urlsplit

from tests.benchmarks import request_scene
from tests.benchmarks.request_scene import Request


@dataclass(frozen=True)
class Mix:
    """What every client sends: ``reads`` in turn, and in a fraction ``writes`` of its turns a
    write instead, to one of ``targets``: a fresh read of the settlement's version, then
    updateSettlement with it as ``expectedVersion`` (both requests are timed)."""

    reads: list[Request]
    writes: float = 0.0
    targets: tuple[str, ...] = ()

    def writes_at(self, turn: int) -> bool:
        # Evenly spread rather than random, so short runs still hold the asked fraction.
        return bool(self.targets) and int((turn + 1) * self.writes) > int(turn * self.writes)


@dataclass(frozen=True)
class Figures:
    """Latencies in seconds of the requests answered without error, over ``seconds``."""

    p50: float
    p95: float
    p99: float
    answered: int
    errors: int
    seconds: float
    # Writes refused for a stale expectedVersion: the compare-and-set working, not an error.
    conflicts: int = 0
    writes: int = 0

    @classmethod
    def of(
        cls, latencies: list[float], errors: int, seconds: float, conflicts: int, writes: int
    ) -> "Figures":
        if len(latencies) > 1:
            cuts = statistics.quantiles(latencies, n=100)
            p95, p99 = cuts[94], cuts[98]
        else:
            p95 = p99 = latencies[0] if latencies else 0.0
        p50 = statistics.median(latencies) if latencies else 0.0
        return cls(p50, p95, p99, len(latencies), errors, seconds, conflicts, writes)

    def line(self, label: str, clients: int, baseline: "Figures | None" = None) -> str:
        """The figures; with ``baseline``, the p50 also as a multiple of the baseline's, which
        compares across runs of a machine whose speed varies (BASELINE_HEADER's last column)."""
        if not self.answered:
            return f"{label:22} {clients:4}  no answer ({self.errors} errors)"
        ratio = f" {self.p50 / baseline.p50:9.1f}" if baseline and baseline.answered else ""
        return (
            f"{label:22} {clients:4} {1000 * self.p50:8.2f} {1000 * self.p95:8.2f}"
            f" {1000 * self.p99:8.2f} {self.answered / self.seconds:8.0f} {self.errors:6}"
            f" {self.conflicts:9} {self.writes / self.seconds:8.1f}{ratio}"
        )


HEADER = (
    f"{'request':22} {'cli':>4} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'req/s':>8}"
    f" {'errors':>6} {'conflicts':>9} {'writes/s':>8}"
)
# The p50 as a multiple of the health check's at the same number of clients, in the same run.
BASELINE_HEADER = f"{HEADER} {'x health':>9}"


OK, CONFLICT, ERROR = "ok", "conflict", "error"


def outcome(status: int, body: bytes) -> str:
    if status != 200:
        return ERROR
    if b'"errors"' not in body:
        return OK
    return CONFLICT if b'"CONFLICT"' in body else ERROR


class Connection:
    """One keep-alive HTTP/1.1 connection; answers are read by Content-Length."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def send(self, raw: bytes) -> tuple[int, bytes]:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
        assert self.reader is not None
        self.writer.write(raw)
        head = await self.reader.readuntil(b"\r\n\r\n")
        status = int(head.split(b" ", 2)[1])
        length = 0
        close = False
        for line in head.split(b"\r\n")[1:]:
            name, _, value = line.partition(b":")
            if name.lower() == b"content-length":
                length = int(value)
            elif name.lower() == b"connection" and value.strip().lower() == b"close":
                close = True
        body = await self.reader.readexactly(length)
        if close:
            self.close()
        return status, body

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


def raw_request(request: Request, host: str, token: str) -> bytes:
    lines = [f"{request.method} {request.path} HTTP/1.1", f"Host: {host}"]
    if request.authorized:
        lines.append(f"Authorization: Bearer {token}")
    if request.body:
        lines += ["Content-Type: application/json", f"Content-Length: {len(request.body)}"]
    return ("\r\n".join(lines) + "\r\n\r\n").encode() + request.body


async def load(url: str, token: str, mix: Mix, clients: int, seconds: float) -> Figures:
    """``clients`` connections sending ``mix`` for ``seconds``."""
    parts = urlsplit(url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 80

    def raw(request: Request) -> bytes:
        return raw_request(request, parts.netloc, token)

    reads = [raw(request) for request in mix.reads]
    latencies: list[float] = []
    counts = {OK: 0, CONFLICT: 0, ERROR: 0}
    writes = 0
    deadline = time.perf_counter() + seconds

    async def timed(conn: Connection, message: bytes) -> tuple[str, bytes]:
        nonlocal writes
        started = time.perf_counter()
        try:
            status, body = await conn.send(message)
        except (OSError, asyncio.IncompleteReadError):
            conn.close()
            counts[ERROR] += 1
            return ERROR, b""
        result = outcome(status, body)
        counts[result] += 1
        if result == OK:
            latencies.append(time.perf_counter() - started)
            writes += b'"updateSettlement"' in body
        return result, body

    async def write(conn: Connection, target: str, level: int) -> None:
        result, body = await timed(conn, raw(request_scene.version(target)))
        if result != OK:
            return
        current = json.loads(body)["data"]["settlement"]["version"]
        update = request_scene.update_settlement(target, level, expected_version=current)
        await timed(conn, raw(update))

    async def client(offset: int) -> None:
        conn = Connection(host, port)
        for turn in itertools.count(offset):
            if time.perf_counter() >= deadline:
                break
            if mix.writes_at(turn):
                await write(conn, mix.targets[turn % len(mix.targets)], 1 + turn % 10)
            else:
                await timed(conn, reads[turn % len(reads)])
        conn.close()

    started = time.perf_counter()
    await asyncio.gather(*(client(n) for n in range(clients)))
    return Figures.of(
        latencies, counts[ERROR], time.perf_counter() - started, counts[CONFLICT], writes
    )
