"""Fixed-window request counters in the Django cache (Redis in production).

``cache.add`` creates the window's counter only if it is missing and ``cache.incr`` bumps it; both
are atomic on Redis, so concurrent web processes share one count without a race.
"""

import hashlib
import math
import time

from django.core.cache import cache

from config.errors import DomainError, ErrorCode


class RateLimited(DomainError):
    """Too many attempts: REST answers 429 with ``Retry-After``; GraphQL gets ``retryAfter``."""

    # Not yet a member of ErrorCode (config/errors.py); a plain string keeps the wire value.
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
    cache.add(key, 0, timeout=window_seconds + 1)
    try:
        count = cache.incr(key)
    except ValueError:
        # The counter expired between add and incr (at the window's edge): start it again.
        cache.set(key, 1, timeout=window_seconds + 1)
        count = 1
    # With Redis down django-redis returns None (IGNORE_EXCEPTIONS): let the request through
    # rather than lock everybody out of signing in.
    if count is not None and count > limit:
        retry_after = max(1, math.ceil((window + 1) * window_seconds - now))
        raise RateLimited(
            f"Too many attempts; try again in {retry_after} seconds", retry_after=retry_after
        )
