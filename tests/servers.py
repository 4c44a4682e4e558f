"""Real server processes on a free loopback port, for tests and benchmarks that go over HTTP."""

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
GUNICORN_CONFIG = "config/gunicorn.conf.py"


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_for_port(port: int, seconds: float = 30) -> None:
    deadline = time.monotonic() + seconds
    while True:
        try:
            socket.create_connection(("127.0.0.1", port), timeout=1).close()
            return
        except OSError:
            if time.monotonic() > deadline:
                raise
            time.sleep(0.1)


@contextmanager
def serving(command: list[str], env: Mapping[str, str] | None = None) -> Iterator[int]:
    """``command`` running from the repository root, stopped after; yields its pid."""
    server = subprocess.Popen(
        command,
        cwd=ROOT,
        env={**os.environ, **(env or {})},
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        yield server.pid
    finally:
        server.terminate()
        try:
            server.wait(timeout=30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


@contextmanager
def gunicorn(
    *, workers: int = 1, threads: int = 4, env: Mapping[str, str] | None = None
) -> Iterator[int]:
    """gunicorn with the project's config; yields its port once it accepts connections."""
    with gunicorn_process(workers=workers, threads=threads, env=env) as (port, _):
        yield port


@contextmanager
def gunicorn_process(
    *, workers: int = 1, threads: int = 4, env: Mapping[str, str] | None = None
) -> Iterator[tuple[int, int]]:
    """As ``gunicorn``, yielding its port and its master's pid."""
    port = free_port()
    settings = {
        "GUNICORN_BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": str(workers),
        "GUNICORN_THREADS": str(threads),
        **(env or {}),
    }
    command = [sys.executable, "-m", "gunicorn", "-c", GUNICORN_CONFIG, "config.wsgi"]
    with serving(command, settings) as pid:
        wait_for_port(port)
        yield port, pid


@contextmanager
def daphne(env: Mapping[str, str] | None = None) -> Iterator[int]:
    """daphne serving the ASGI application (HTTP and WebSockets); yields its port."""
    port = free_port()
    command = [sys.executable, "-m", "daphne", "-b", "127.0.0.1", "-p", str(port)]
    with serving([*command, "config.asgi:application"], env):
        wait_for_port(port)
        yield port
