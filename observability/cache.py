"""The default cache backends, counting hits and misses for the cache hit-rate metric
(``cm_cache_requests_total``). ``config/settings.py`` chooses one of them."""

from typing import Any

from django.core.cache.backends.base import BaseCache
from django.core.cache.backends.locmem import LocMemCache
from django_redis.cache import RedisCache

from observability import metrics

_MISSING = object()


class CountingGets(BaseCache):
    def get(self, key: Any, default: Any = None, version: int | None = None, **kw: Any) -> Any:
        value = super().get(key, _MISSING, version, **kw)
        if value is _MISSING:
            metrics.cache_lookups(0, 1)
            return default
        metrics.cache_lookups(1, 0)
        return value


class CountingGetMany(CountingGets):
    """For a backend whose ``get_many`` does not go through ``get``."""

    def get_many(self, keys: Any, version: int | None = None, **kw: Any) -> dict[Any, Any]:
        keys = list(keys)
        found: dict[Any, Any] = super().get_many(keys, version, **kw)
        metrics.cache_lookups(len(found), len(keys) - len(found))
        return found


class CountingRedisCache(CountingGetMany, RedisCache):
    """django-redis; an ignored Redis error answers the default and counts as a miss."""


class CountingLocMemCache(CountingGets, LocMemCache):
    """The embedded default's local-memory cache (its ``get_many`` calls ``get``)."""
