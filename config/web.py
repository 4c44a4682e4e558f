"""The plain-HTTP server: granian serving ``config.wsgi``; run it as ``python -m config.web``.

One process per core, each running requests on a few Python threads. granian reads and writes
HTTP in Rust and hands each parsed request to one of those threads, so the Python time is the
application's alone: a health check took 0.3 ms where gunicorn's gthread worker, which parses
HTTP and waits on sockets in Python, took 0.65, and the single-page app's read mix at 100
clients ran with a p99 of 74 to 84 ms against 106 to 142 on gunicorn, in the same runs
(issue 15, docs/decisions.md §31). Bodies stream to the application as they arrive, so its
limit (api/body_limit.py) is the one that holds. Daphne keeps serving WebSockets; nginx routes
by the Upgrade header (docker/nginx.conf).

Database connections come from each process's psycopg pool (config/settings.py), sized to the
threads, so a process holds at most ``WEB_THREADS`` PostgreSQL sessions. The client's address is
taken from trusted proxies by the application itself (api/proxy_client.py, FORWARDED_ALLOW_IPS).

Settings, all from the environment: ``WEB_BIND`` (host:port, default 127.0.0.1:8000),
``WEB_CONCURRENCY`` (processes, default one per core), ``WEB_THREADS`` (default 2),
``WEB_ACCESS_LOG`` (1 to log every request; the proxy in front usually does),
``WEB_LOG_LEVEL`` (default info), ``WEB_GRACEFUL_TIMEOUT`` (seconds to finish requests on SIGTERM,
default 20).
"""

import os
from collections.abc import Mapping
from dataclasses import dataclass

from granian.constants import Interfaces
from granian.http import HTTP1Settings
from granian.log import LogLevels
from granian.server import MPServer

APPLICATION = "config.wsgi:application"
# A request's headers must fit in this (a bearer token is under 1 KiB); a longer head is refused
# before the application sees it. The body is not held here: it streams to the application.
MAX_HEAD_BYTES = 64 * 1024
# A client gets this long to send its headers, so a slow one cannot hold a connection for ever.
HEADER_READ_TIMEOUT_MS = 30_000


@dataclass(frozen=True)
class WebSettings:
    host: str
    port: int
    processes: int
    threads: int
    access_log: bool
    log_level: str
    graceful_seconds: int


def settings_from(environ: Mapping[str, str]) -> WebSettings:
    host, _, port = environ.get("WEB_BIND", "127.0.0.1:8000").rpartition(":")
    return WebSettings(
        host=host.strip("[]") or "0.0.0.0",
        port=int(port),
        processes=int(environ.get("WEB_CONCURRENCY", str(os.cpu_count() or 1))),
        # Two threads overlap a request's short waits on PostgreSQL and Redis on the same machine
        # or network; more only queue behind the GIL, which lengthens the tail at 100 clients
        # (issue 15). Raise it when the services are far enough for requests to wait longer.
        threads=int(environ.get("WEB_THREADS", "2")),
        access_log=environ.get("WEB_ACCESS_LOG", "0").lower() in {"1", "true", "yes", "on"},
        log_level=environ.get("WEB_LOG_LEVEL", "info").lower(),
        # A worker that has not finished its requests this long after SIGTERM is killed (a
        # worker stopped while it is still starting is too: it cannot stop before it has
        # started). Keep it below the orchestrator's own grace period.
        graceful_seconds=int(environ.get("WEB_GRACEFUL_TIMEOUT", "20")),
    )


def server(settings: WebSettings) -> MPServer:
    # A thread holds at most one connection, so the pool never needs more; the workers inherit
    # this from the environment.
    os.environ.setdefault("DB_POOL_MAX_SIZE", str(settings.threads))
    # Processes, not granian's free-threaded variant: this is the GIL build, a process per core.
    return MPServer(
        APPLICATION,
        address=settings.host,
        port=settings.port,
        interface=Interfaces.WSGI,
        workers=settings.processes,
        blocking_threads=settings.threads,
        websockets=False,
        http1_settings=HTTP1Settings(
            header_read_timeout=HEADER_READ_TIMEOUT_MS, max_buffer_size=MAX_HEAD_BYTES
        ),
        log_level=LogLevels(settings.log_level),
        log_access=settings.access_log,
        # As gunicorn did: a worker that dies is replaced; the others keep serving meanwhile. One
        # that dies again at once is not restarted more than once a second.
        respawn_failed_workers=True,
        respawn_interval=1.0,
        workers_kill_timeout=settings.graceful_seconds,
    )


def main() -> None:
    server(settings_from(os.environ)).serve()


if __name__ == "__main__":
    main()
