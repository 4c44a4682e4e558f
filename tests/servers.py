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


def process_tree(root: int) -> list[int]:
    """``root`` and its descendants (a server's main process and its workers), from /proc."""
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
def web(
    *, workers: int = 1, threads: int = 4, env: Mapping[str, str] | None = None
) -> Iterator[int]:
    """The plain-HTTP server as production runs it (``python -m config.web``); yields its port
    once it accepts connections."""
    with web_process(workers=workers, threads=threads, env=env) as (port, _):
        yield port


@contextmanager
def web_process(
    *, workers: int = 1, threads: int = 4, env: Mapping[str, str] | None = None
) -> Iterator[tuple[int, int]]:
    """As ``web``, yielding its port and its main process's pid."""
    port = free_port()
    settings = {
        "WEB_BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": str(workers),
        "WEB_THREADS": str(threads),
        **(env or {}),
    }
    with serving([sys.executable, "-m", "config.web"], settings) as pid:
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
