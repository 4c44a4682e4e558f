"""gunicorn for plain HTTP: ``gunicorn -c config/gunicorn.conf.py config.wsgi:application``.

One process per core, each serving requests on a few threads (the gthread worker): a request runs
on the thread that accepted it, with no event loop and no hand-off between threads, which under
daphne cost more CPU than Django itself (issue 15). Threads overlap a request's waits on
PostgreSQL and Redis; the GIL leaves one core's worth of Python per process, hence a process per
core. Daphne keeps serving WebSockets; nginx routes by the Upgrade header (docker/nginx.conf).

Database connections come from each process's psycopg pool (config/settings.py), sized to the
threads, so a process holds at most ``threads`` PostgreSQL sessions.

Every setting can be overridden on the command line or by the environment variables below.
"""

import os
from typing import Any

bind = [os.environ.get("GUNICORN_BIND", "127.0.0.1:8000")]
workers = int(os.environ.get("WEB_CONCURRENCY", str(os.cpu_count() or 1)))
worker_class = "gthread"
# Two threads overlap a request's short waits on PostgreSQL and Redis on the same machine or
# network; more only queue behind the GIL, which lengthened the tail at 100 clients (issue 15:
# the read mix's p99 was 127 to 183 ms with 4, 94 to 99 ms with 2, at the same throughput).
# Raise it when the services are far enough for requests to spend most of their time waiting.
threads = int(os.environ.get("GUNICORN_THREADS", "2"))
# A thread holds at most one connection, so the pool never needs more (workers inherit this).
os.environ.setdefault("DB_POOL_MAX_SIZE", str(threads))
# nginx keeps its upstream connections open (keepalive); close idle ones after this long.
keepalive = int(os.environ.get("GUNICORN_KEEPALIVE", "15"))
# A request taking longer than this is a stuck worker: it is restarted.
timeout = int(os.environ.get("GUNICORN_TIMEOUT", "30"))
graceful_timeout = 20
# Workers import the app themselves: the master holds no database connection or pool to share
# across fork.
preload_app = False
# The heartbeat file on tmpfs, not a disk that may stall (gunicorn's documented advice).
worker_tmp_dir = "/dev/shm" if os.path.isdir("/dev/shm") else None
# Access lines cost every request; the proxy in front logs requests. GUNICORN_ACCESS_LOG="-" logs
# them to standard output.
accesslog = os.environ.get("GUNICORN_ACCESS_LOG") or None
errorlog = "-"
loglevel = os.environ.get("GUNICORN_LOG_LEVEL", "info")
# X-Forwarded-* are trusted only from the proxy's address (nginx on the same host or network);
# the application takes the client's address from the same proxies (api/proxy_client.py).
forwarded_allow_ips = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
# The body is capped by the application (api/body_limit.py); headers by these.
limit_request_line = 8190
limit_request_fields = 100


def child_exit(server: object, worker: Any) -> None:
    """A dead worker's live gauges stop counting in /metrics (prometheus-client multiprocess)."""
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        from prometheus_client import multiprocess

        multiprocess.mark_process_dead(worker.pid)


def post_fork(server: object, worker: Any) -> None:
    """The worker's application trusts the proxies gunicorn trusts, however they were given
    (this file, FORWARDED_ALLOW_IPS or --forwarded-allow-ips): it loads after this."""
    os.environ["FORWARDED_ALLOW_IPS"] = ",".join(worker.cfg.forwarded_allow_ips)
