"""Load over HTTP on loopback (issue 15): the requests of the issue's table and the single-page
app's read mix, at 1, 10, 50 and 100 concurrent clients, p50/p95/p99 and requests a second,
against the floor of the same SQL sent straight through the driver (psycopg or sqlite3), measured
in the same run; optionally the servers' memory before and after a mixed load of ``--minutes``.

Without ``--url`` it seeds a throwaway test database on the configured backend (SQLite by
default; ``DATABASE_URL``/``REDIS_URL`` for PostgreSQL and Redis) and starts gunicorn with the
project's config (one process per core, 4 threads each) against it. With ``--url`` (for example
nginx in front of several replicas) it seeds a fresh bench user and campaign into the configured
database, which must be the one those servers use, and measures them (no memory figure).

Run from the repository root: ``.venv/bin/python -m tests.benchmarks.bench_load [--url URL]
[--seconds S] [--clients 1,10,50,100] [--minutes M]``. Each figure is one run of S seconds; the
clients are asyncio connections in this process (keep-alive), so they take a share of the CPU the
servers could otherwise use. Prints figures, no verdicts.
"""

import argparse
import asyncio
import itertools
import os
import secrets
import statistics
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
os.environ.setdefault("JWT_ACCESS_TOKEN_MINUTES", "1440")
# The servers run as in production (DEBUG off); this process signs their tokens with their key.
os.environ.setdefault("DEBUG", "0")
os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")
SQLITE_FILE = Path(tempfile.gettempdir()) / f"cm-bench-{os.getpid()}.sqlite3"

import django  # noqa: E402
from django.conf import settings  # noqa: E402

if "DATABASE_URL" not in os.environ:
    # The servers must share the test database: a file, not SQLite's in-memory default.
    settings.DATABASES["default"]["TEST"] = {"NAME": str(SQLITE_FILE)}
django.setup()

from django.db import connection  # noqa: E402
from django.test.utils import setup_databases, setup_test_environment, teardown_databases  # noqa: E402

from tests import servers  # noqa: E402
from tests.benchmarks import request_scene  # noqa: E402
from tests.benchmarks.request_scene import Request, Scene  # noqa: E402


@dataclass(frozen=True)
class Figures:
    latencies: list[float]
    errors: int
    seconds: float

    def line(self, label: str, clients: int) -> str:
        if not self.latencies:
            return f"{label:22} {clients:4}  no answer ({self.errors} errors)"
        cuts = statistics.quantiles(self.latencies, n=100) if len(self.latencies) > 1 else [0] * 99
        p50 = statistics.median(self.latencies)
        rate = len(self.latencies) / self.seconds
        return (
            f"{label:22} {clients:4} {1000 * p50:8.2f} {1000 * cuts[94]:8.2f}"
            f" {1000 * cuts[98]:8.2f} {rate:8.0f} {self.errors:6}"
        )


HEADER = (
    f"{'request':22} {'cli':>4} {'p50 ms':>8} {'p95 ms':>8} {'p99 ms':>8} {'req/s':>8}"
    f" {'errors':>6}"
)


class Connection:
    """One keep-alive HTTP/1.1 connection; answers are read by Content-Length."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def send(self, raw: bytes) -> int:
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
        return status if b'"errors"' not in body else 599

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


async def load(url: str, bodies: Sequence[bytes], clients: int, seconds: float) -> Figures:
    """``clients`` connections sending ``bodies`` in turn for ``seconds``."""
    parts = urlsplit(url)
    host, port = parts.hostname or "127.0.0.1", parts.port or 80
    latencies: list[float] = []
    errors = 0
    deadline = time.perf_counter() + seconds

    async def client(offset: int) -> None:
        nonlocal errors
        conn = Connection(host, port)
        for raw in itertools.islice(itertools.cycle(bodies), offset, None):
            if time.perf_counter() >= deadline:
                break
            started = time.perf_counter()
            try:
                status = await conn.send(raw)
            except (OSError, asyncio.IncompleteReadError):
                conn.close()
                errors += 1
                continue
            if status == 200:
                latencies.append(time.perf_counter() - started)
            else:
                errors += 1
        conn.close()

    started = time.perf_counter()
    await asyncio.gather(*(client(n) for n in range(clients)))
    return Figures(latencies, errors, time.perf_counter() - started)


def sql_of(request: Request, scene: Scene) -> list[str]:
    """The SQL the application issues for ``request``, captured in this process."""
    from django.test.utils import CaptureQueriesContext

    from tests.wsgi import wsgi_request

    headers = [("Content-Type", "application/json")]
    token = scene.token if request.authorized else None
    wsgi_request(request.method, request.path, body=request.body, headers=headers, token=token)
    with CaptureQueriesContext(connection) as captured:
        wsgi_request(request.method, request.path, body=request.body, headers=headers, token=token)
    return [query["sql"] for query in captured.captured_queries]


def sql_floor(statements: list[str], runs: int = 200) -> float:
    """Median time to run ``statements`` straight through the driver, on one connection."""
    if not statements:
        return 0.0
    connection.ensure_connection()
    raw = connection.connection
    cursor = raw.cursor()
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        for sql in statements:
            cursor.execute(sql)
            if cursor.description is not None:
                cursor.fetchall()
        times.append(time.perf_counter() - started)
    cursor.close()
    return statistics.median(times)


def server_pids(root: int) -> list[int]:
    """``root`` and its descendants (gunicorn's master and workers)."""
    children: dict[int, list[int]] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            children.setdefault(int(fields[1]), []).append(int(entry.name))
    found, todo = [], [root]
    while todo:
        pid = todo.pop()
        found.append(pid)
        todo.extend(children.get(pid, []))
    return found


def rss_mib(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        try:
            for line in Path(f"/proc/{pid}/status").read_text().splitlines():
                if line.startswith("VmRSS:"):
                    total += int(line.split()[1])
        except OSError:
            continue
    return total / 1024


@contextmanager
def local_servers() -> Iterator[tuple[str, int]]:
    """gunicorn (a process per core) against the test database; yields its URL and pid."""
    db = connection.settings_dict
    if connection.vendor == "postgresql":
        env = {
            "DATABASE_URL": f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
        }
    else:
        env = {"SQLITE_PATH": str(db["NAME"])}
    workers = os.cpu_count() or 1
    with servers.gunicorn_process(workers=workers, threads=4, env=env) as (port, pid):
        yield f"http://127.0.0.1:{port}", pid


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", help="measure servers already running there")
    parser.add_argument("--seconds", type=float, default=5)
    parser.add_argument("--clients", default="1,10,50,100")
    parser.add_argument("--minutes", type=float, default=0, help="memory under a mixed load")
    parser.add_argument("--settlements", type=int, default=20)
    parser.add_argument("--structures", type=int, default=5)
    args = parser.parse_args()
    levels = [int(n) for n in args.clients.split(",")]
    setup_test_environment()
    databases = [] if args.url else setup_databases(verbosity=0, interactive=False)
    try:
        with ExitStack() as stack:
            name = f"bench{os.getpid()}"
            scene = request_scene.seed(
                settlements=args.settlements, structures=args.structures, name=name
            )
            if args.url:
                url, pid = args.url, None
            else:
                url, pid = stack.enter_context(local_servers())
            run(url, pid, scene, levels, args)
    finally:
        if databases:
            teardown_databases(databases, verbosity=0)
        SQLITE_FILE.unlink(missing_ok=True)


def run(
    url: str, pid: int | None, scene: Scene, levels: list[int], args: argparse.Namespace
) -> None:
    host = urlsplit(url).netloc
    table = request_scene.requests(scene)
    print(
        f"{connection.vendor}; {url}"
        + ("" if pid is None else f" (gunicorn, {os.cpu_count()} processes x 4 threads)")
        + f"; {args.seconds:g} s a figure; kingdom of {args.settlements} x {args.structures}"
    )
    print("\nSQL floor: the statements the app issues for each request, through the driver")
    for request in table:
        statements = sql_of(request, scene)
        floor = sql_floor(statements)
        print(f"{request.name:22} {len(statements):2} statements {1000 * floor:7.3f} ms")
    # Every worker has imported the app and warmed its caches before anything is measured.
    warm = [raw_request(request, host, scene.token) for request in table]
    asyncio.run(load(url, warm, 2 * (os.cpu_count() or 1), 3))
    print(f"\nEach request alone\n{HEADER}")
    for request in table:
        raw = raw_request(request, host, scene.token)
        for clients in [n for n in levels if n <= 10]:
            figures = asyncio.run(load(url, [raw], clients, args.seconds))
            print(figures.line(request.name, clients))
    writes = [
        raw_request(request_scene.update(scene, 1 + n % 10), host, scene.token) for n in range(10)
    ]
    for clients in [n for n in levels if n <= 10]:
        print(
            asyncio.run(load(url, writes, clients, args.seconds)).line("updateSettlement", clients)
        )
    mix = [raw_request(request, host, scene.token) for request in spa_mix(scene)]
    print(f"\nThe SPA's read mix ({len(mix)} documents in turn)\n{HEADER}")
    for clients in levels:
        print(asyncio.run(load(url, mix, clients, args.seconds)).line("SPA read mix", clients))
    if args.minutes and pid is not None:
        pids = server_pids(pid)
        before = rss_mib(pids)
        figures = asyncio.run(load(url, [*mix, *writes[:2]], 10, 60 * args.minutes))
        after = rss_mib(server_pids(pid))
        print(
            f"\nMemory, {len(pids)} server processes, {args.minutes:g} min mixed load at 10 clients"
        )
        print(f"RSS before {before:.1f} MiB, after {after:.1f} MiB ({after - before:+.1f} MiB)")
        print(HEADER)
        print(figures.line("mixed (reads+writes)", 10))


def spa_mix(scene: Scene) -> list[Request]:
    """The app's reads of a campaign, kingdom and settlement screens, as it sends them."""
    from tests.graphql.spa_operations import OPERATIONS

    def spa(name: str, variables: dict[str, object]) -> Request:
        return request_scene.graphql(name, OPERATIONS[name], variables)

    return [
        request_scene.graphql("campaigns", "{ campaigns { id name } }"),
        spa("GetKingdomById", {"id": scene.kingdom}),
        spa("GetSettlementsByKingdom", {"kingdomId": scene.kingdom}),
        spa("GetSettlementDetails", {"id": scene.settlement}),
        spa("GetSettlementStructures", {"id": scene.settlement}),
        spa(
            "GetEntityAuditHistory",
            {"entityType": "settlement", "entityId": scene.settlement, "limit": 20},
        ),
    ]


if __name__ == "__main__":
    main()
