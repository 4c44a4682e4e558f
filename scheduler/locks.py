"""The lock each periodic job holds while it runs, so that two beats or two workers never run
one job at once, and the record of which ticks of a job have run.

With Redis (production) the lock is a redis-py ``Lock`` on the broker's database (which never
evicts): owned by a random token, so only its holder releases or extends it; it expires
``timeout`` seconds after its last extension, so a holder that dies frees it; a thread extends it
every third of ``timeout`` while the job runs. A tick is marked done only once its job has
finished, so a job whose worker died is run again when its message is redelivered. Embedded, the
lock is a process-local one (the embedded scheduler is one process).
"""

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache

import redis
from django.conf import settings
from redis.exceptions import LockError

logger = logging.getLogger(__name__)

PREFIX = "scheduler"
_local_locks: dict[str, threading.Lock] = {}
_local_done: dict[str, float] = {}
_guard = threading.Lock()


@cache
def client() -> redis.Redis | None:
    """The broker's Redis, where the locks live; None when the broker is not Redis."""
    url = str(settings.CELERY_BROKER_URL)
    if not url.startswith(("redis://", "rediss://")):
        return None
    return redis.Redis.from_url(url, socket_connect_timeout=2, socket_timeout=5)


@contextmanager
def held(name: str, *, timeout: float) -> Iterator[bool]:
    """Hold the lock ``name`` for the body (True), or yield False at once when another holds it."""
    connection = client()
    if connection is None:
        with _guard:
            lock = _local_locks.setdefault(name, threading.Lock())
        if not lock.acquire(blocking=False):
            yield False
            return
        try:
            yield True
        finally:
            lock.release()
        return
    redis_lock = connection.lock(
        f"{PREFIX}:lock:{name}", timeout=timeout, blocking=False, thread_local=False
    )
    if not redis_lock.acquire():
        yield False
        return
    stop = threading.Event()

    def keep_alive() -> None:
        while not stop.wait(timeout / 3):
            try:
                redis_lock.extend(timeout, replace_ttl=True)
            except LockError:
                logger.error("Lost the lock %s while its job was running", name)
                return

    extender = threading.Thread(target=keep_alive, name=f"lock:{name}", daemon=True)
    extender.start()
    try:
        yield True
    finally:
        stop.set()
        extender.join()
        try:
            redis_lock.release()
        except LockError:
            logger.warning("The lock %s had expired before its job finished", name)


def tick_done(name: str, tick: int) -> bool:
    connection = client()
    if connection is None:
        return _local_done.get(name, -1) >= tick
    return bool(connection.exists(f"{PREFIX}:done:{name}:{tick}"))


def mark_done(name: str, tick: int, *, keep_seconds: int) -> None:
    connection = client()
    if connection is None:
        _local_done[name] = max(tick, _local_done.get(name, -1))
        return
    connection.set(f"{PREFIX}:done:{name}:{tick}", 1, ex=keep_seconds)
