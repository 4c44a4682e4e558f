"""``getCacheStats``: the cache's counters and contents for operators (staff users), in the
original's CacheStats shape (docs/realtime.md#caching). The counters are shared by every replica
(``kernel.cache_stats``); memory sizes are Floats, since Redis passes 2 GiB, which an Int
cannot hold."""

from typing import Any

import graphene
from django.utils import timezone
from graphene import ResolveInfo

from api.graphql.scalars import DateTime
from kernel import cache_inventory, cache_stats
from kernel.errors import AuthenticationError, PermissionDenied


class CacheTypeStats(graphene.ObjectType):
    hits = graphene.Int(required=True)
    misses = graphene.Int(required=True)
    sets = graphene.Int(required=True)
    # Generation-keyed entries are never deleted: an invalidation is a generation bump.
    invalidations = graphene.Int(required=True)
    cascade_invalidations = graphene.Int(required=True)
    hit_rate = graphene.Float(required=True)


class CacheNamespaceStats(CacheTypeStats):
    namespace = graphene.String(required=True)
    key_count = graphene.Int()
    estimated_time_saved_ms = graphene.Float(required=True)
    compute_ms = graphene.Float(required=True, description="Time misses spent computing.")


class RedisMemoryInfo(graphene.ObjectType):
    used_memory = graphene.Float(required=True)
    used_memory_human = graphene.String(required=True)
    used_memory_peak = graphene.Float(required=True)
    used_memory_peak_human = graphene.String(required=True)
    used_memory_dataset = graphene.Float(required=True)
    used_memory_lua = graphene.Float(required=True)
    db_keys = graphene.Int(required=True)
    db_expires = graphene.Int(required=True)


class CacheStats(graphene.ObjectType):
    total_hits = graphene.Int(required=True)
    total_misses = graphene.Int(required=True)
    hit_rate = graphene.Float(required=True)
    total_sets = graphene.Int(required=True)
    total_invalidations = graphene.Int(required=True)
    total_cascade_invalidations = graphene.Int(required=True)
    estimated_time_saved_ms = graphene.Float(required=True)
    start_time = DateTime(required=True)
    enabled = graphene.Boolean(required=True)
    computed_fields = graphene.Field(CacheTypeStats)
    settlements = graphene.Field(CacheTypeStats)
    structures = graphene.Field(CacheTypeStats)
    spatial = graphene.Field(CacheTypeStats)
    memory_info = graphene.Field(RedisMemoryInfo)
    computed_fields_key_count = graphene.Int()
    settlements_key_count = graphene.Int()
    structures_key_count = graphene.Int()
    spatial_key_count = graphene.Int()
    namespaces = graphene.List(graphene.NonNull(CacheNamespaceStats), required=True)


def _namespace(stats: cache_stats.NamespaceStats) -> dict[str, Any]:
    return {
        "namespace": stats.namespace,
        "hits": stats.hits,
        "misses": stats.misses,
        "sets": stats.sets,
        "invalidations": 0,
        "cascade_invalidations": 0,
        "hit_rate": stats.hit_rate,
        "compute_ms": stats.compute_ms,
        "estimated_time_saved_ms": stats.estimated_time_saved_ms,
        "key_count": cache_inventory.key_count(stats.namespace),
    }


def cache_report() -> dict[str, Any]:
    """Every figure of ``CacheStats``; also what ``manage.py cache_stats`` prints."""
    namespaces, started = cache_stats.read()
    by_name = {n.namespace: _namespace(n) for n in namespaces}
    hits = sum(n.hits for n in namespaces)
    misses = sum(n.misses for n in namespaces)
    memory = cache_inventory.memory_info()

    def part(name: str) -> dict[str, Any] | None:
        return by_name.get(name)

    def keys(name: str) -> int | None:
        found = by_name.get(name)
        return found["key_count"] if found else None

    return {
        "total_hits": hits,
        "total_misses": misses,
        "hit_rate": hits / (hits + misses) if hits + misses else 0.0,
        "total_sets": sum(n.sets for n in namespaces),
        "total_invalidations": 0,
        "total_cascade_invalidations": 0,
        "estimated_time_saved_ms": sum(n.estimated_time_saved_ms for n in namespaces),
        "start_time": started or timezone.now(),
        "enabled": bool(namespaces),
        "computed_fields": part(cache_stats.COMPUTED_FIELDS),
        "settlements": part(cache_stats.SETTLEMENTS),
        "structures": part(cache_stats.STRUCTURES),
        "spatial": part(cache_stats.SPATIAL),
        "memory_info": memory.__dict__ if memory else None,
        "computed_fields_key_count": keys(cache_stats.COMPUTED_FIELDS),
        "settlements_key_count": keys(cache_stats.SETTLEMENTS),
        "structures_key_count": keys(cache_stats.STRUCTURES),
        "spatial_key_count": keys(cache_stats.SPATIAL),
        "namespaces": list(by_name.values()),
    }


def resolve_get_cache_stats(_root: None, info: ResolveInfo) -> dict[str, Any]:
    user = info.context.actor.user
    if user is None:
        raise AuthenticationError("Authentication required")
    if not user.is_staff:
        raise PermissionDenied("Only operators (staff users) may read cache statistics")
    return cache_report()


class CacheQueries(graphene.ObjectType):
    get_cache_stats = graphene.Field(CacheStats, required=True, resolver=resolve_get_cache_stats)
