"""Entity lists (a branch's kingdoms, a kingdom's settlements, a settlement's structures), cached
under the (campaign, branch) generation of the branch they belong to (kernel/generations.py).

Every committed write of the branch bumps that generation, so a list is never read stale, on
whichever replica it was stored, and nothing is deleted by pattern; a write on one branch leaves
the others' lists cached. Callers authorize the parent before asking: the key names only it.
"""

import time
from collections.abc import Callable
from typing import Any, TypeVar

from django.core.cache import cache

from campaign.models import Branch
from kernel import cache_stats, generations

T = TypeVar("T")
TTL = 300
# kernel/cache_inventory.py counts the entries by this prefix.
PREFIX = "list"


def remember(
    namespace: str, parent: Any, window: tuple[int, int], load: Callable[[], list[T]]
) -> list[T]:
    """``load()``'s rows under ``parent`` (a branch, or a row of one), from the cache when the
    branch has not changed since they were stored; ``namespace`` is a ``kernel.cache_stats``
    namespace, naming what the rows are, and ``window`` the (first, last + 1) positions of the
    rows ``load`` returns in the whole list."""
    branch = parent if isinstance(parent, Branch) else parent.branch
    generation = generations.current(branch.campaign_id, branch.pk)
    first, stop = window
    key = f"{PREFIX}:{namespace}:{parent.pk}:{first}-{stop}:{generation}"
    found: list[T] | None = cache.get(key)
    if found is not None:
        cache_stats.count(namespace, hits=1)
        return found
    began = time.perf_counter()
    rows = load()
    cache.set(key, rows, TTL)
    cache_stats.count(namespace, misses=1, sets=1, compute_ms=cache_stats.elapsed_ms(began))
    return rows
