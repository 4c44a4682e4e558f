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

A transaction's bumps (``bump_on_commit``) are made together once it commits, in one round trip
to Redis.
"""

import functools
import time
from collections.abc import Iterable, Sequence
from typing import Any

from django.core.cache import cache, caches
from django.db import transaction
from django_redis.cache import RedisCache, omit_exception
from django_redis.exceptions import ConnectionInterrupted
from redis.exceptions import RedisError

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


def current_with(
    keys: Sequence[str], entry: str | None, *others: str
) -> tuple[list[int], Any, list[Any]]:
    """The generations under ``keys``, the cache entry under ``entry`` (None if absent) and the
    entries under ``others``, read together in one round trip."""
    found = cache.get_many([*keys, *([entry] if entry else []), *others])
    generations = [int(found[k]) if found.get(k) is not None else 0 for k in keys]
    return generations, found.get(entry) if entry else None, [found.get(k) for k in others]


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


def bump_on_commit(*keys: str) -> None:
    """Bump ``keys`` once the current transaction commits (at once outside one), together with
    every other key its transaction bumps: one round trip for them all, made where the first of
    them was scheduled (so before what the transaction announces after)."""
    connection = transaction.get_connection()
    pending: _Pending | None = getattr(connection, "generation_bumps", None)
    # Nothing of this transaction is scheduled yet: what an earlier, rolled-back one (or a
    # rolled-back savepoint) left behind is dropped with its callbacks.
    if pending is None or pending.made or not connection.run_on_commit:
        pending = _Pending()
        connection.generation_bumps = pending  # type: ignore[attr-defined]
    pending.keys.update(keys)
    # A callback per call, each making what is pending then: one scheduled in a savepoint that
    # rolls back is dropped with it, and the others still make the transaction's bumps.
    transaction.on_commit(pending.make)


class _Pending:
    def __init__(self) -> None:
        self.keys: set[str] = set()
        self.made = False

    def make(self) -> None:
        if self.made:
            return
        self.made = True
        bump_many(self.keys)


def bump_many(keys: Iterable[str]) -> None:
    """Bump every generation under ``keys``, in one round trip to Redis."""
    keys = sorted(keys)
    if not keys:
        return
    backend = caches["default"]
    if isinstance(backend, RedisCache):
        _bump_in_redis(backend, keys, _origin() + 1)
    else:
        for k in keys:
            _bump(k)


# What ``_bump`` does for each key, in one atomic call: INCR if the key is held, otherwise start
# it above every value it had (ARGV[1]: the clock's origin + 1). django-redis stores ints raw, so
# INCR counts on what it wrote and it reads back what this writes.
_BUMP_SCRIPT = """
for _, k in ipairs(KEYS) do
    if redis.call('EXISTS', k) == 1 then
        redis.call('INCR', k)
    else
        redis.call('SET', k, ARGV[1])
    end
end
"""


@functools.partial(omit_exception, return_value=None)
def _bump_in_redis(backend: RedisCache, keys: list[str], start: int) -> None:
    # omit_exception takes the backend for its ``self``: an unreachable Redis is ignored (and
    # logged) exactly as in the backend's own calls, so a bump after a commit never raises.
    client = backend.client.get_client(write=True)
    try:
        client.eval(_BUMP_SCRIPT, len(keys), *(backend.client.make_key(k) for k in keys), start)
    except RedisError as e:
        raise ConnectionInterrupted(connection=client) from e


def _bump(k: str) -> None:
    try:
        cache.incr(k)
    except ValueError:
        # Lost, or never read: it starts again above every value it had.
        if not cache.add(k, _origin() + 1, TIMEOUT):
            cache.incr(k)


def _origin() -> int:
    return time.time_ns() // 1000
