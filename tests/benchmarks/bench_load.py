"""Load over HTTP on loopback (issues 14 and 15): the requests of issue 15's table and the
single-page app's read mix, alone and with a fraction ``--writes`` (10 % by default) of its turns
a write (a fresh read of a settlement's version, then updateSettlement with it as
``expectedVersion``; refusals for a stale version are counted as conflicts, apart from errors),
at 1, 10, 50 and 100 concurrent clients: p50/p95/p99, requests a second, errors, against the floor
of the same SQL sent straight through the driver (psycopg or sqlite3), measured in the same run;
optionally the servers' memory before and after a mixed load of ``--minutes``.

Without ``--url`` it seeds a throwaway test database on the configured backend (SQLite by
default; ``DATABASE_URL``/``REDIS_URL`` for PostgreSQL and Redis) and starts the web server
(config/web.py: one process per core, 2 threads each) against it. With ``--url`` (for example
nginx in front of several replicas) it seeds a fresh bench user and campaign into the configured
database, which must be the one those servers use, and measures them (no memory figure).

Run from the repository root: ``.venv/bin/python -m tests.benchmarks.bench_load [--url URL]
[--seconds S] [--clients 1,10,50,100] [--writes 0.1] [--client asyncio|wrk] [--install-wrk]
[--minutes M]``. Each figure is one run of S seconds. The default clients are asyncio
connections in this process (keep-alive), so they take a share of the CPU the servers could
otherwise use; ``--client wrk`` sends the same mix with wrk (``wrk_client``, ``wrk_mix.lua``),
which ``--install-wrk`` installs from the Debian archive when missing. Prints figures, no verdicts.
"""

import argparse
import asyncio
import json
import os
import secrets
import statistics
import tempfile
import time
from collections.abc import Callable, Iterator
from contextlib import ExitStack, contextmanager
from pathlib import Path

# The servers run as in production (DEBUG off); this process signs their tokens with their key.
os.environ.setdefault("DEBUG", "0")
os.environ.setdefault("SECRET_KEY", secrets.token_urlsafe(50))
os.environ.setdefault("ALLOWED_HOSTS", "127.0.0.1,localhost,testserver")

from tests.benchmarks.harness import throwaway_databases  # sets Django up: after the above

# isort: split
from django.db import connection, transaction
from django.test.utils import CaptureQueriesContext

from tests import servers
from tests.benchmarks import request_scene, wrk_client
from tests.benchmarks.load_mix import BASELINE_HEADER, HEADER, Figures, Mix, load
from tests.benchmarks.request_scene import Request, Scene

SQLITE_FILE = Path(tempfile.gettempdir()) / f"cm-bench-{os.getpid()}.sqlite3"
if "DATABASE_URL" not in os.environ:
    # The servers must share the test database: a file, not SQLite's in-memory default.
    connection.settings_dict["TEST"]["NAME"] = str(SQLITE_FILE)


def app_request(request: Request, scene: Scene) -> bytes:
    """``request`` answered in this process, through the stack the web server runs."""
    from tests.wsgi import wsgi_request

    headers = [("Content-Type", "application/json")]
    token = scene.token if request.authorized else None
    return wsgi_request(
        request.method, request.path, body=request.body, headers=headers, token=token
    ).body


def sql_of(request: Request, scene: Scene) -> list[str]:
    """The SQL the application issues for ``request``, captured in this process."""
    app_request(request, scene)
    with CaptureQueriesContext(connection) as captured:
        app_request(request, scene)
    return [query["sql"] for query in captured.captured_queries]


class RolledBack(Exception):
    pass


def write_sql(scene: Scene) -> list[str]:
    """The SQL of the mix's write (updateSettlement with a fresh expectedVersion), captured in a
    transaction rolled back after, so that replaying it inserts nothing already there."""
    app_request(request_scene.update(scene, 5), scene)
    current = json.loads(app_request(request_scene.version(scene.settlement), scene))
    write = request_scene.update_settlement(
        scene.settlement, 6, expected_version=current["data"]["settlement"]["version"]
    )
    try:
        with transaction.atomic(), CaptureQueriesContext(connection) as captured:
            app_request(write, scene)
            raise RolledBack
    except RolledBack:
        pass
    return [query["sql"] for query in captured.captured_queries]


def sql_floor(statements: list[str], runs: int = 200, *, writes: bool = False) -> float:
    """Median time to run ``statements`` straight through the driver, on one connection; writes
    in a transaction rolled back (its ROLLBACK timed in place of the COMMIT)."""
    if not statements:
        return 0.0
    connection.ensure_connection()
    raw = connection.connection
    cursor = raw.cursor()
    times = []
    for _ in range(runs):
        started = time.perf_counter()
        if writes:
            cursor.execute("BEGIN")
        for sql in statements:
            cursor.execute(sql)
            if cursor.description is not None:
                cursor.fetchall()
        if writes:
            cursor.execute("ROLLBACK")
        times.append(time.perf_counter() - started)
    cursor.close()
    return statistics.median(times)


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
def local_servers(threads: int) -> Iterator[tuple[str, int]]:
    """The web server (a process per core, ``threads`` each) against the test database; yields
    its URL and pid."""
    db = connection.settings_dict
    if connection.vendor == "postgresql":
        env = {
            "DATABASE_URL": f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
        }
    else:
        env = {"SQLITE_PATH": str(db["NAME"])}
    workers = os.cpu_count() or 1
    with servers.web_process(workers=workers, threads=threads, env=env) as (port, pid):
        yield f"http://127.0.0.1:{port}", pid


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", help="measure servers already running there")
    parser.add_argument("--seconds", type=float, default=5)
    parser.add_argument("--clients", default="1,10,50,100")
    parser.add_argument("--minutes", type=float, default=0, help="memory under a mixed load")
    parser.add_argument(
        "--writes", type=float, default=0.1, help="fraction of the mixed run's turns that write"
    )
    parser.add_argument(
        "--client", choices=["asyncio", "wrk"], default="asyncio", help="what sends the load"
    )
    parser.add_argument(
        "--install-wrk", action="store_true", help="apt-get install wrk first when missing"
    )
    parser.add_argument(
        "--threads", type=int, default=2, help="threads per web server process (as WEB_THREADS)"
    )
    parser.add_argument("--settlements", type=int, default=20)
    parser.add_argument("--structures", type=int, default=5)
    args = parser.parse_args()
    levels = [int(n) for n in args.clients.split(",")]
    if args.install_wrk:
        wrk_client.install()
    try:
        with ExitStack() as stack:
            if not args.url:
                stack.enter_context(throwaway_databases())
            name = f"bench{os.getpid()}"
            scene = request_scene.seed(
                settlements=args.settlements, structures=args.structures, name=name
            )
            if args.url:
                url, pid = args.url, None
            else:
                url, pid = stack.enter_context(local_servers(args.threads))
            run(url, pid, scene, levels, args)
    finally:
        SQLITE_FILE.unlink(missing_ok=True)


Measure = Callable[[str, str, Mix, int, float], Figures]


def asyncio_load(url: str, token: str, mix: Mix, clients: int, seconds: float) -> Figures:
    return asyncio.run(load(url, token, mix, clients, seconds))


def run(
    url: str, pid: int | None, scene: Scene, levels: list[int], args: argparse.Namespace
) -> None:
    measure: Measure = wrk_client.load if args.client == "wrk" else asyncio_load
    table = request_scene.requests(scene)
    print(
        f"{connection.vendor}; {url}"
        + (
            ""
            if pid is None
            else f" (web server, {os.cpu_count()} processes x {args.threads} threads)"
        )
        + f"; {args.seconds:g} s a figure; kingdom of {args.settlements} x {args.structures}"
        + f"; {args.client} client"
    )
    print("\nSQL floor: the statements the app issues for each request, through the driver")
    for request in table:
        statements = sql_of(request, scene)
        floor = sql_floor(statements)
        print(f"{request.name:22} {len(statements):2} statements {1000 * floor:7.3f} ms")
    reads = spa_mix(scene)
    read_floor = statistics.mean(sql_floor(sql_of(request, scene)) for request in reads)
    version = sql_of(request_scene.version(scene.settlement), scene)
    version_floor = sql_floor(version)
    print(f"{'settlement version':22} {len(version):2} statements {1000 * version_floor:7.3f} ms")
    write = write_sql(scene)
    write_floor = sql_floor(write, writes=True)
    print(
        f"{'updateSettlement':22} {len(write):2} statements {1000 * write_floor:7.3f} ms"
        " (with expectedVersion; in a transaction rolled back)"
    )
    w = args.writes
    # A write is two requests (the version read, then the update) in place of one read.
    mixed_floor = ((1 - w) * read_floor + w * (version_floor + write_floor)) / (1 + w)
    print(
        f"SPA read mix {1000 * read_floor:.3f} ms a request; with {w:.0%} writes"
        f" {1000 * mixed_floor:.3f} ms a request"
    )
    # Every worker has imported the app and warmed its caches before anything is measured.
    measure(url, scene.token, Mix(table), 2 * (os.cpu_count() or 1), 3)
    print(f"\nEach request alone\n{BASELINE_HEADER}")
    health: dict[int, Figures] = {}  # the table's first request, the floor of every other
    for request in table:
        for clients in [n for n in levels if n <= 10]:
            figures = measure(url, scene.token, Mix([request]), clients, args.seconds)
            health.setdefault(clients, figures)
            print(figures.line(request.name, clients, health[clients]))
    updates = Mix([request_scene.update(scene, 1 + n % 10) for n in range(10)])
    for clients in [n for n in levels if n <= 10]:
        figures = measure(url, scene.token, updates, clients, args.seconds)
        print(figures.line("updateSettlement", clients, health.get(clients)))
    mixed = Mix(reads, w, tuple(scene.settlements))
    print(
        f"\nThe SPA's read mix ({len(reads)} documents in turn), alone and with {w:.0%} of turns"
        f" a write (read the version, then updateSettlement with it)\n{HEADER}"
    )
    for clients in levels:
        print(
            measure(url, scene.token, Mix(reads), clients, args.seconds).line(
                "SPA read mix", clients
            )
        )
        if w:
            figures = measure(url, scene.token, mixed, clients, args.seconds)
            print(figures.line(f"read mix + {w:.0%} writes", clients))
    if args.minutes and pid is not None:
        pids = servers.process_tree(pid)
        before = rss_mib(pids)
        figures = measure(url, scene.token, mixed, 10, 60 * args.minutes)
        after = rss_mib(servers.process_tree(pid))
        print(
            f"\nMemory, {len(pids)} server processes, {args.minutes:g} min mixed load at 10 clients"
        )
        print(f"RSS before {before:.1f} MiB, after {after:.1f} MiB ({after - before:+.1f} MiB)")
        print(HEADER)
        print(figures.line(f"read mix + {w:.0%} writes", 10))


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
