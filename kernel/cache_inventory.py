"""What the cache holds, for operators: Redis' memory figures and how many entries each namespace
has (a SCAN, so only for ``getCacheStats`` and ``manage.py cache_stats``, never on a request's
path). None where the cache is not Redis or Redis cannot be reached."""

import logging
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache

from kernel import cache_stats

logger = logging.getLogger(__name__)

# The key each namespace's entries start with (rules/computed_fields.py, rules/dependencies.py,
# campaign/spatial/cache.py, api/graphql/answers.py).
KEY_PATTERNS = {
    cache_stats.COMPUTED_FIELDS: "computed:*",
    cache_stats.RULES_GRAPH: "rules-graph:*",
    cache_stats.SPATIAL: "spatial:*",
    cache_stats.SETTLEMENTS: "answer:settlements:*",
    cache_stats.STRUCTURES: "answer:structures:*",
    cache_stats.KINGDOMS: "answer:kingdoms:*",
    cache_stats.AUDIT: "answer:audit:*",
    cache_stats.CAMPAIGNS: "answer:campaigns:*",
}


@dataclass(frozen=True)
class MemoryInfo:
    used_memory: int
    used_memory_human: str
    used_memory_peak: int
    used_memory_peak_human: str
    used_memory_dataset: int
    used_memory_lua: int
    db_keys: int
    db_expires: int


def memory_info() -> MemoryInfo | None:
    if not settings.REDIS_CACHE_URL:
        return None
    try:
        from django_redis import get_redis_connection

        client = get_redis_connection("default")
        memory = client.info("memory")
        keyspace = client.info("keyspace")
    except Exception:  # an operator's view degrades to "unknown"
        logger.warning("Could not read Redis memory figures", exc_info=True)
        return None
    database = client.connection_pool.connection_kwargs.get("db", 0)
    this_db = keyspace.get(f"db{database}", {})
    return MemoryInfo(
        used_memory=int(memory.get("used_memory", 0)),
        used_memory_human=str(memory.get("used_memory_human", "")),
        used_memory_peak=int(memory.get("used_memory_peak", 0)),
        used_memory_peak_human=str(memory.get("used_memory_peak_human", "")),
        used_memory_dataset=int(memory.get("used_memory_dataset", 0)),
        used_memory_lua=int(memory.get("used_memory_lua", 0)),
        db_keys=int(this_db.get("keys", 0)),
        db_expires=int(this_db.get("expires", 0)),
    )


def key_count(namespace: str) -> int | None:
    pattern = KEY_PATTERNS.get(namespace)
    if pattern is None:
        return 0
    if not settings.REDIS_CACHE_URL:
        return None
    try:
        keys = cache.iter_keys(pattern)  # type: ignore[attr-defined]
        return len(list(keys))
    except Exception:  # an operator's view degrades to "unknown"
        logger.warning("Could not count the keys of %s", namespace, exc_info=True)
        return None
