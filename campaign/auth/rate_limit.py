"""Fixed-window request counters in the Django cache (Redis in production).

``cache.add`` creates the window's counter only if it is missing and ``cache.incr`` bumps it; both
are atomic on Redis, so concurrent web processes share one count without a race.

While Redis is down or frozen (its calls give up after the cache's ``SOCKET_TIMEOUT``), attempts
are counted in this process's memory instead, with the same limits and windows. A limit then holds
per process rather than across them, which still stops password guessing, where letting every
attempt through would not and refusing every sign-in would lock everybody out.
"""

import hashlib
import math
import time

from django.core.cache import cache
from django.core.cache.backends.base import BaseCache
from django.core.cache.backends.locmem import LocMemCache

from kernel.errors import DomainError, ErrorCode

# Bounded: past MAX_ENTRIES the oldest third of the counters is dropped, so a flood of distinct
# clients cannot grow the process without limit during an outage.
process_counters = LocMemCache("campaign-rate-limit", {"OPTIONS": {"MAX_ENTRIES": 50_000}})


class RateLimited(DomainError):
    """Too many attempts: REST answers 429 with ``Retry-After``; GraphQL gets ``retryAfter``."""

    # Not yet a member of ErrorCode (kernel/errors.py); a plain string keeps the wire value.
    code = ErrorCode.RATE_LIMITED

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message, retryAfter=retry_after)
        self.retry_after = retry_after


def hit(bucket: str, client_id: str, limit: int, window_seconds: int) -> None:
    """Count one attempt by ``client_id`` in ``bucket``; raise ``RateLimited`` past ``limit``."""
    now = time.time()
    window = int(now // window_seconds)
    # Hashed so that e-mail addresses are neither stored in the cache nor break its key rules;
    # "surrogatepass" so that any string (even a lone surrogate) counts instead of raising.
    digest = hashlib.sha256(client_id.encode(errors="surrogatepass")).hexdigest()
    key = f"ratelimit:{bucket}:{digest}:{window}"
    count = _count_attempt(cache, key, window_seconds)
    if count is None:
        count = _count_attempt(process_counters, key, window_seconds)
    if count is not None and count > limit:
        retry_after = max(1, math.ceil((window + 1) * window_seconds - now))
        raise RateLimited(
            f"Too many attempts; try again in {retry_after} seconds", retry_after=retry_after
        )


def _count_attempt(counters: BaseCache, key: str, window_seconds: int) -> int | None:
    """Add one to ``key``'s counter and return it; None when ``counters`` cannot be reached.

    django-redis ignores a failed Redis call (``IGNORE_EXCEPTIONS``) by returning None, where
    ``add`` and ``incr`` otherwise always answer a bool and an int.
    """
    timeout = window_seconds + 1
    added: bool | None = counters.add(key, 0, timeout=timeout)
    if added is None:
        return None
    try:
        count: int | None = counters.incr(key)
    except ValueError:
        # The counter expired between add and incr (at the window's edge): start it again.
        counters.set(key, 1, timeout=timeout)
        count = 1
    return count
