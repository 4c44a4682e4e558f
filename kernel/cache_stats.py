"""Hits, misses and sets of the cross-request cache, per namespace (docs/realtime.md#caching).

In production the counters are Redis hashes next to the cached entries, so every replica adds to
the same numbers and they survive restarts; each process counts in memory and adds what it
counted to them (``HINCRBY``, one pipelined round trip) at most every ``FLUSH_SECONDS``, and
before it reads them, rather than on every hit (issue 15: a round trip a request). What a
process counted in its last second is lost if it dies. The embedded default, one process,
counts in memory only. Counting never fails the caller: with Redis down
the numbers simply stop growing. ``compute_ms`` adds up the time misses spent computing, so the time
hits saved is estimated from measurements rather than from assumed costs.
"""

import datetime
import logging
import threading
import time
from collections import Counter
from dataclasses import dataclass

from django.conf import settings

logger = logging.getLogger(__name__)

COUNTERS = ("hits", "misses", "sets", "compute_ms")
# The namespaces the code caches under; the first four are the original's getCacheStats fields.
COMPUTED_FIELDS = "computed-fields"
SETTLEMENTS = "settlements"
STRUCTURES = "structures"
SPATIAL = "spatial"
RULES_GRAPH = "rules-graph"
KINGDOMS = "kingdoms"
AUDIT = "audit"
CAMPAIGNS = "campaigns"
NAMESPACES = (
    COMPUTED_FIELDS,
    SETTLEMENTS,
    STRUCTURES,
    SPATIAL,
    RULES_GRAPH,
    KINGDOMS,
    AUDIT,
    CAMPAIGNS,
)
STARTED = "started"
FLUSH_SECONDS = 1.0


@dataclass(frozen=True)
class NamespaceStats:
    namespace: str
    hits: int
    misses: int
    sets: int
    compute_ms: float

    @property
    def hit_rate(self) -> float:
        total = self.hits + self.misses
        return self.hits / total if total else 0.0

    @property
    def estimated_time_saved_ms(self) -> float:
        return self.hits * (self.compute_ms / self.misses) if self.misses else 0.0


def counters_key(namespace: str) -> str:
    prefix = settings.CACHES["default"].get("KEY_PREFIX", "")
    return f"{prefix}:stats:{namespace}"


class _Local:
    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.counts: dict[str, Counter[str]] = {}
        self.started = time.time()
        self.flushed = 0.0  # time.monotonic() of the last hand-over to Redis

    def add(self, namespace: str, counts: dict[str, float]) -> None:
        with self.lock:
            self.counts.setdefault(namespace, Counter()).update(counts)  # type: ignore[arg-type]

    def read(self) -> tuple[dict[str, dict[str, float]], float | None]:
        with self.lock:
            return {n: dict(c) for n, c in self.counts.items()}, self.started

    def take(self) -> dict[str, Counter[str]]:
        """What was counted since the last hand-over, which is now."""
        with self.lock:
            self.flushed = time.monotonic()
            counts, self.counts = self.counts, {}
            return counts

    def due(self) -> bool:
        return time.monotonic() - self.flushed >= FLUSH_SECONDS

    def reset(self) -> None:
        with self.lock:
            self.counts.clear()
            self.started = time.time()


_local = _Local()


def _redis():  # type: ignore[no-untyped-def]
    from django_redis import get_redis_connection

    return get_redis_connection("default")


def _uses_redis() -> bool:
    return bool(settings.REDIS_CACHE_URL)


def count(
    namespace: str, *, hits: int = 0, misses: int = 0, sets: int = 0, compute_ms: float = 0.0
) -> None:
    """Add to ``namespace``'s counters, in one round trip; ``compute_ms`` is what the misses
    took to compute (``elapsed_ms``)."""
    add(namespace, {"hits": hits, "misses": misses, "sets": sets, "compute_ms": compute_ms})


def elapsed_ms(began: float) -> float:
    """Milliseconds since ``began`` (a ``time.perf_counter()`` reading)."""
    return (time.perf_counter() - began) * 1000.0


def add(namespace: str, counts: dict[str, float]) -> None:
    counts = {name: value for name, value in counts.items() if value}
    if not counts:
        return
    _local.add(namespace, counts)
    if _uses_redis() and _local.due():
        flush()


def flush() -> None:
    """Add what this process counted to the shared counters (dropped if Redis cannot take it,
    as counting stops during an outage)."""
    counted = _local.take()
    if not counted:
        return
    try:
        pipe = _redis().pipeline(transaction=False)
        for namespace, counts in counted.items():
            for name, value in counts.items():
                if isinstance(value, float):
                    pipe.hincrbyfloat(counters_key(namespace), name, value)
                else:
                    pipe.hincrby(counters_key(namespace), name, int(value))
        pipe.hsetnx(counters_key(STARTED), "at", time.time())
        pipe.execute()
    except Exception:  # statistics must never fail the request that counts
        logger.debug("Could not count cache statistics", exc_info=True)


def read() -> tuple[list[NamespaceStats], datetime.datetime | None]:
    """Every namespace's counters and when counting started (None: unknown, Redis is down)."""
    raw: dict[str, dict[str, float]]
    started: float | None
    if _uses_redis():
        flush()
        try:
            pipe = _redis().pipeline(transaction=False)
            for namespace in NAMESPACES:
                pipe.hgetall(counters_key(namespace))
            pipe.hget(counters_key(STARTED), "at")
            *hashes, at = pipe.execute()
        except Exception:  # an operator's view degrades to "unknown"
            logger.warning("Could not read cache statistics", exc_info=True)
            return [], None
        raw = {
            n: {k.decode(): float(v) for k, v in h.items()}
            for n, h in zip(NAMESPACES, hashes, strict=True)
        }
        started = float(at) if at is not None else None
    else:
        raw, started = _local.read()
    stats = [
        NamespaceStats(
            namespace=n,
            hits=int(raw.get(n, {}).get("hits", 0)),
            misses=int(raw.get(n, {}).get("misses", 0)),
            sets=int(raw.get(n, {}).get("sets", 0)),
            compute_ms=float(raw.get(n, {}).get("compute_ms", 0.0)),
        )
        for n in NAMESPACES
    ]
    moment = datetime.datetime.fromtimestamp(started, tz=datetime.UTC) if started else None
    return stats, moment


def reset() -> None:
    _local.reset()
    if not _uses_redis():
        return
    _redis().delete(*(counters_key(n) for n in (*NAMESPACES, STARTED)))
