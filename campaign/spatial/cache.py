"""Spatial answers, cached under the generations they depend on: the map generation of each
world whose locations they read, and the (campaign, branch) generation of each branch whose
settlements they read (kernel/generations.py). A committed change bumps them, so an answer is
never stale, whichever replica computed it, and nothing is ever deleted by pattern."""

import hashlib
import time
from collections.abc import Callable, Sequence
from typing import TypeVar

from django.core.cache import cache

from kernel import cache_stats, generations

T = TypeVar("T")
TTL = 300


def remember(
    operation: str, depends_on: Sequence[str], params: tuple[object, ...], compute: Callable[[], T]
) -> T:
    """The cached answer of ``operation`` for ``params``, else ``compute()``'s, stored.
    ``depends_on`` are generation keys (``generations.key`` / ``generations.map_key``)."""
    now = generations.current_many(depends_on)
    # repr() of floats round-trips, so equal parameters give equal keys and unequal ones differ.
    identity = repr((tuple(depends_on), now, params)).encode()
    key = f"spatial:{operation}:{hashlib.sha256(identity).hexdigest()}"
    found: T | None = cache.get(key)
    if found is not None:
        cache_stats.count(cache_stats.SPATIAL, hits=1)
        return found
    began = time.perf_counter()
    value = compute()
    cache.set(key, value, TTL)
    cache_stats.count(
        cache_stats.SPATIAL, misses=1, sets=1, compute_ms=cache_stats.elapsed_ms(began)
    )
    return value
