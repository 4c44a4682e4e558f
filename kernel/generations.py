"""Generation numbers that key every cached result (docs/decisions.md §10): one per (campaign,
branch) for what a branch's rows decide, one per world for what its map (its locations) decides.

A write bumps the generation after it commits; readers build keys with the current generation,
so stale entries are simply never read again and expire on their own: no pattern deletes.
"""

from collections.abc import Sequence
from typing import Any

from django.core.cache import cache

TIMEOUT = None  # a generation must outlive the entries keyed by it


def key(campaign_id: object, branch_id: object) -> str:
    return f"gen:{campaign_id}:{branch_id}"


def map_key(world_id: object) -> str:
    return f"gen:map:{world_id}"


def current(campaign_id: object, branch_id: object) -> int:
    value = cache.get(key(campaign_id, branch_id))
    return int(value) if value is not None else 0


def current_many(keys: Sequence[str]) -> list[int]:
    """The generations under ``keys`` (from ``key`` or ``map_key``), in one cache round trip."""
    return current_with(keys, None)[0]


def current_with(keys: Sequence[str], entry: str | None) -> tuple[list[int], Any]:
    """The generations under ``keys`` and the cache entry under ``entry`` (None if absent),
    read together in one round trip."""
    found = cache.get_many([*keys, *([entry] if entry else [])])
    generations = [int(found[k]) if found.get(k) is not None else 0 for k in keys]
    return generations, found.get(entry) if entry else None


def bump(campaign_id: object, branch_id: object) -> None:
    _bump(key(campaign_id, branch_id))


def bump_map(world_id: object) -> None:
    _bump(map_key(world_id))


def _bump(k: str) -> None:
    try:
        cache.incr(k)
    except ValueError:
        # First write since the cache was emptied: any start value differs from the reader's 0.
        if not cache.add(k, 1, TIMEOUT):
            cache.incr(k)
