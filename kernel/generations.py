"""Generation numbers that key every cached result (docs/decisions.md §10): one per (campaign,
branch) for what a branch's rows decide, one per world for what its map (its locations) decides,
one per campaign for its audit trail, and one for what lists of campaigns show (``CAMPAIGNS``).

A write bumps the generation after it commits; readers build keys with the current generation,
so stale entries are simply never read again and expire on their own: no pattern deletes.

A generation the cache lost (a flush, an eviction, a restart) reads as 0 and starts again from
the clock, in microseconds: above every value it held before, so what a process remembers
under a past value (api/graphql/addresses.py) is never taken for current. Nothing is kept
under a 0, which the same key could read again after its next loss: a reader that meets one
starts the generation (``start``), and keeps under the value it started.
"""

import time
from collections.abc import Sequence
from typing import Any

from django.core.cache import cache

TIMEOUT = None  # a generation must outlive the entries keyed by it


def key(campaign_id: object, branch_id: object) -> str:
    return f"gen:{campaign_id}:{branch_id}"


def map_key(world_id: object) -> str:
    return f"gen:map:{world_id}"


# Every campaign's row, its main branch's clock and its memberships: what any reader's list of
# campaigns is made of.
CAMPAIGNS = "gen:campaigns"


def audit_key(campaign_id: object) -> str:
    """What a campaign records: every audit row written in it."""
    return f"gen:audit:{campaign_id}"


def current(campaign_id: object, branch_id: object) -> int:
    return current_many([key(campaign_id, branch_id)])[0]


def current_many(keys: Sequence[str]) -> list[int]:
    """The generations under ``keys`` (from ``key`` or ``map_key``), in one cache round trip."""
    return current_with(keys, None)[0]


def current_with(keys: Sequence[str], entry: str | None) -> tuple[list[int], Any]:
    """The generations under ``keys`` and the cache entry under ``entry`` (None if absent),
    read together in one round trip."""
    found = cache.get_many([*keys, *([entry] if entry else [])])
    generations = [int(found[k]) if found.get(k) is not None else 0 for k in keys]
    return generations, found.get(entry) if entry else None


def start(keys: Sequence[str]) -> dict[str, int]:
    """Start the generations under ``keys``, which the cache lost or never held; those this
    call started, with their values (another caller, or a write, may start one first)."""
    started = {}
    for k in keys:
        origin = _origin()
        if cache.add(k, origin, TIMEOUT):
            started[k] = origin
    return started


def bump(campaign_id: object, branch_id: object) -> None:
    _bump(key(campaign_id, branch_id))


def bump_map(world_id: object) -> None:
    _bump(map_key(world_id))


def bump_audit(campaign_id: object) -> None:
    _bump(audit_key(campaign_id))


def bump_campaigns() -> None:
    _bump(CAMPAIGNS)


def _bump(k: str) -> None:
    try:
        cache.incr(k)
    except ValueError:
        # Lost, or never read: it starts again above every value it had.
        if not cache.add(k, _origin() + 1, TIMEOUT):
            cache.incr(k)


def _origin() -> int:
    return time.time_ns() // 1000
