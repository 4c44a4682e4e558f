"""Where a request's time goes (issue 15): each request of the issue's table, run in-process
through the application the web processes serve (WSGI by default, as the web server runs it;
``--asgi`` for daphne's), timed, then profiled with cProfile, its own time summed by area
(Django's request handling, the ORM, the database driver, graphql-core, graphene, auth, JSON,
the project's own code, asyncio and thread hand-offs) and the SQL it issues timed apart.

Run from the repository root: ``.venv/bin/python -m tests.benchmarks.profile_requests
[--asgi] [--top N] [--sort cumulative] [--only REGEX] [--callers REGEX] [--sql]``. It builds a
throwaway test database on the configured backend (SQLite by default; set
``DATABASE_URL``/``REDIS_URL`` for PostgreSQL and Redis) and prints figures.
"""

import argparse
import cProfile
import io
import pstats
import re
import statistics
import sys
import time
from collections import defaultdict
from collections.abc import Callable
from typing import Any

from tests.benchmarks.harness import throwaway_databases  # first: it sets Django up

# isort: split
from asgiref.sync import async_to_sync
from django.db import connection

from tests.benchmarks import request_scene
from tests.benchmarks.request_scene import Request, Scene

RUNS = 300
PROFILED = 200

AREAS: list[tuple[str, tuple[str, ...]]] = [
    ("thread hops/asyncio", ("asgiref/", "asyncio/", "concurrent/", "threading.py", "queue.py")),
    ("db driver+SQL", ("django/db/backends/", "psycopg", "sqlite3")),
    ("ORM", ("django/db/models/", "django/db/transaction", "django/db/utils")),
    ("graphene", ("graphene/", "graphene_django/", "graphql_sync_dataloaders/")),
    ("graphql-core", ("graphql/",)),
    ("auth (JWT, user)", ("jwt/", "campaign/auth/")),
    ("JSON", ("json/", "orjson")),
    (
        "django request",
        (
            "django/core/handlers/",
            "django/middleware/",
            "django/contrib/",
            "django/http/",
            "django/urls/",
            "django/utils/",
            "django/dispatch/",
            "django/core/",
            "django/views/",
        ),
    ),
    ("project", ("/api/", "/campaign/", "/rules/", "/kernel/", "/realtime/", "/observability/")),
    ("redis/cache", ("redis/", "django_redis/")),
]


def area(filename: str) -> str:
    for name, needles in AREAS:
        if any(needle in filename for needle in needles):
            return name
    return "other"


def sender(asgi: bool, scene: Scene) -> Callable[[Request], int]:
    headers = [("Authorization", f"Bearer {scene.token}"), ("Content-Type", "application/json")]
    if asgi:
        from tests.asgi import asgi_request

        def via_asgi(request: Request) -> int:
            raw = (
                [(k.lower().encode(), v.encode()) for k, v in headers] if request.authorized else []
            )
            response = async_to_sync(asgi_request)(
                request.method, request.path, chunks=(request.body,), headers=raw
            )
            return response.status

        return via_asgi
    from tests.wsgi import wsgi_request

    def via_wsgi(request: Request) -> int:
        response = wsgi_request(
            request.method,
            request.path,
            body=request.body,
            headers=headers if request.authorized else [],
        )
        assert b'"errors"' not in response.body, response.body[:300]
        return response.status

    return via_wsgi


def statements(send: Callable[[Request], int], request: Request) -> list[tuple[str, float]]:
    """The statements one request issues, each with the time spent executing it."""
    spent: list[tuple[str, float]] = []

    def timer(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            spent.append((sql, time.perf_counter() - started))

    with connection.execute_wrapper(timer):
        send(request)
    return spent


def profile(
    send: Callable[[Request], int],
    request: Request,
    top: int,
    callers: str | None,
    sql: bool,
    sort: str = "tottime",
) -> None:
    for _ in range(30):
        send(request)
    times = []
    for _ in range(RUNS):
        started = time.perf_counter()
        send(request)
        times.append(time.perf_counter() - started)
    issued = statements(send, request)
    profiler = cProfile.Profile()
    profiler.enable()
    for _ in range(PROFILED):
        send(request)
    profiler.disable()
    stats = pstats.Stats(profiler, stream=io.StringIO())
    by_area: dict[str, float] = defaultdict(float)
    total = 0.0
    for (filename, _, _), (_, _, tottime, _, _) in stats.stats.items():  # type: ignore[attr-defined]
        by_area[area(filename)] += tottime
        total += tottime
    shares = ", ".join(
        f"{name} {100 * spent / total:.0f}%"
        for name, spent in sorted(by_area.items(), key=lambda item: -item[1])
        if spent / total >= 0.02
    )
    print(
        f"{request.name:22} p50 {1000 * statistics.median(times):6.2f} ms"
        f"  {len(issued):2} queries {1000 * sum(t for _, t in issued):5.2f} ms  | {shares}"
    )
    if sql:
        for text, spent in issued:
            print(f"  {1000 * spent:6.2f} ms  {text[:160]}")
    if top:
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats(sort).print_stats(top)
        print("\n".join(out.getvalue().splitlines()[6:]))
    if callers:
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("tottime").print_callers(callers)
        print("\n".join(out.getvalue().splitlines()[4:]))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--asgi", action="store_true", help="through config.asgi, not config.wsgi")
    parser.add_argument("--top", type=int, default=0, help="also print the N costliest functions")
    parser.add_argument(
        "--sort",
        choices=["tottime", "cumulative"],
        default="tottime",
        help="what --top ranks by: a function's own time, or with what it calls",
    )
    parser.add_argument("--callers", help="also print who calls the functions matching this regex")
    parser.add_argument("--sql", action="store_true", help="also print each statement, timed")
    parser.add_argument("--only", help="profile only the requests whose name matches this regex")
    parser.add_argument("--settlements", type=int, default=20)
    parser.add_argument("--structures", type=int, default=5)
    args = parser.parse_args()
    with throwaway_databases():
        scene = request_scene.seed(settlements=args.settlements, structures=args.structures)
        send = sender(args.asgi, scene)
        stack = "ASGI (config.asgi)" if args.asgi else "WSGI (config.wsgi)"
        print(f"{connection.vendor}, {stack}, in-process; {RUNS} timed runs, {PROFILED} profiled")
        print(f"kingdom: {args.settlements} settlements x {args.structures} structures")
        for request in [*request_scene.requests(scene), request_scene.update(scene, 5)]:
            if args.only is None or re.search(args.only, request.name):
                profile(send, request, args.top, args.callers, args.sql, args.sort)
    sys.stdout.flush()


if __name__ == "__main__":
    main()
