"""Per-(campaign, branch) generation numbers that key every cached result (docs/decisions.md §10).

A write bumps the generation after it commits; readers build keys with the current generation,
so stale entries are simply never read again and expire on their own: no pattern deletes.
"""

from django.core.cache import cache

TIMEOUT = None  # a generation must outlive the entries keyed by it


def key(campaign_id: object, branch_id: object) -> str:
    return f"gen:{campaign_id}:{branch_id}"


def current(campaign_id: object, branch_id: object) -> int:
    value = cache.get(key(campaign_id, branch_id))
    return int(value) if value is not None else 0


def bump(campaign_id: object, branch_id: object) -> None:
    k = key(campaign_id, branch_id)
    try:
        cache.incr(k)
    except ValueError:
        # First write since the cache was emptied: any start value differs from the reader's 0.
        if not cache.add(k, 1, TIMEOUT):
            cache.incr(k)
