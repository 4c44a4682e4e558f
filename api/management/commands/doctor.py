"""``manage.py doctor``: what an operator checks first, in one run (docs/operations.md)."""

import os
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import redis
from django.conf import settings
from django.core import checks
from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import DEFAULT_DB_ALIAS, connection, connections
from django.db.migrations.executor import MigrationExecutor
from prometheus_client import CollectorRegistry
from prometheus_client.multiprocess import MultiProcessCollector

from api import health

SLOW_QUERY_MS = 100
LOW_HIT_RATE = 0.5


@dataclass(frozen=True)
class Finding:
    level: str  # ok, warn, fail
    area: str
    message: str


def settings_findings() -> Iterator[Finding]:
    production = bool(settings.DATABASES["default"]["ENGINE"].endswith("postgresql"))
    yield Finding(
        "ok" if production else "warn",
        "settings",
        "PostgreSQL and Redis (production topology)"
        if production and settings.REDIS_URL
        else "embedded default (SQLite / local memory): fine for development only",
    )
    if settings.DEBUG:
        yield Finding("warn" if production else "ok", "settings", "DEBUG is on")
    if settings.SECRET_KEY == settings.DEV_SECRET_KEY:
        yield Finding("warn", "settings", "SECRET_KEY is the development key")
    if not settings.METRICS_TOKEN:
        yield Finding("warn", "settings", "METRICS_TOKEN unset: /metrics only from loopback")
    if settings.REDIS_URL and settings.CELERY_TASK_ALWAYS_EAGER:
        yield Finding("warn", "settings", "Celery runs tasks eagerly although a broker is set")
    for message in checks.run_checks(include_deployment_checks=not settings.DEBUG):
        level = "fail" if message.level >= checks.ERROR else "warn"
        yield Finding(level, "settings", f"{message.id}: {message.msg}")


def migration_findings() -> Iterator[Finding]:
    executor = MigrationExecutor(connections[DEFAULT_DB_ALIAS])
    plan = executor.migration_plan(executor.loader.graph.leaf_nodes())
    if plan:
        names = ", ".join(f"{m.app_label}.{m.name}" for m, _ in plan[:5])
        yield Finding("fail", "migrations", f"{len(plan)} unapplied: {names}")
    else:
        yield Finding("ok", "migrations", "all applied")


def service_findings() -> Iterator[Finding]:
    for name, outcome in health.check_readiness().checks.items():
        yield Finding("ok" if outcome == health.OK else "fail", "services", f"{name}: {outcome}")
    broker: str = settings.CELERY_BROKER_URL
    if broker.startswith("redis"):
        try:
            with redis.Redis.from_url(broker, socket_connect_timeout=1, socket_timeout=1) as client:
                queued = client.llen("celery")
        except redis.RedisError as error:
            yield Finding("fail", "services", f"broker: {error}")
        else:
            yield Finding("ok", "services", f"broker: {queued} tasks waiting")


def slow_query_findings() -> Iterator[Finding]:
    if connection.vendor != "postgresql":
        yield Finding("ok", "slow queries", "not measured on SQLite")
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1 FROM pg_extension WHERE extname = 'pg_stat_statements'")
        if cursor.fetchone():
            cursor.execute(
                "SELECT round(mean_exec_time::numeric, 1), calls, left(query, 120) "
                "FROM pg_stat_statements WHERE dbid = (SELECT oid FROM pg_database "
                "WHERE datname = current_database()) AND mean_exec_time > %s "
                "ORDER BY mean_exec_time DESC LIMIT 5",
                [SLOW_QUERY_MS],
            )
            source = "pg_stat_statements (mean)"
        else:
            cursor.execute(
                "SELECT round(extract(epoch FROM now() - query_start)::numeric * 1000, 1), 1, "
                "left(query, 120) FROM pg_stat_activity WHERE datname = current_database() "
                "AND state = 'active' AND pid <> pg_backend_pid() "
                "AND now() - query_start > make_interval(secs => %s / 1000.0) "
                "ORDER BY query_start LIMIT 5",
                [SLOW_QUERY_MS],
            )
            source = "running now (pg_stat_statements is not installed)"
        rows = cursor.fetchall()
    if not rows:
        yield Finding("ok", "slow queries", f"none over {SLOW_QUERY_MS} ms, {source}")
    for milliseconds, calls, query in rows:
        yield Finding("warn", "slow queries", f"{milliseconds} ms x{calls}: {query}")


def hit_rate(hits: float, misses: float) -> str:
    total = hits + misses
    return "no look-ups yet" if not total else f"{hits / total:.1%} of {int(total)} look-ups"


def cache_findings() -> Iterator[Finding]:
    directory = os.environ.get("PROMETHEUS_MULTIPROC_DIR")
    if directory:
        registry = CollectorRegistry()
        MultiProcessCollector(registry, path=directory)
        counts = {"hit": 0.0, "miss": 0.0}
        for metric in registry.collect():
            if metric.name == "cm_cache_requests":
                for sample in metric.samples:
                    if sample.name.endswith("_total"):
                        counts[sample.labels["result"]] += sample.value
        total = counts["hit"] + counts["miss"]
        low = total and counts["hit"] / total < LOW_HIT_RATE
        yield Finding(
            "warn" if low else "ok",
            "cache",
            f"application hit rate {hit_rate(counts['hit'], counts['miss'])}",
        )
    if settings.REDIS_CACHE_URL:
        with redis.Redis.from_url(settings.REDIS_CACHE_URL, socket_connect_timeout=1) as client:
            stats = client.info("stats")
        yield Finding(
            "ok",
            "cache",
            "Redis server hit rate "
            + hit_rate(float(stats["keyspace_hits"]), float(stats["keyspace_misses"])),
        )


AREAS = {
    "settings": settings_findings,
    "migrations": migration_findings,
    "services": service_findings,
    "slow-queries": slow_query_findings,
    "cache": cache_findings,
}


class Command(BaseCommand):
    help = (
        "Check the deployment: settings (Django's deployment checks included), unapplied "
        "migrations, the database, cache, Redis and broker, slow queries (pg_stat_statements, "
        f"else statements running over {SLOW_QUERY_MS} ms) and the cache hit rate. Prints one "
        "line per finding; exits 1 when something failed."
    )
    requires_system_checks: list[str] = []
    requires_migrations_checks = False

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--only", choices=sorted(AREAS), action="append", help="Check only these areas."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        failed = 0
        for area, findings in AREAS.items():
            if options["only"] and area not in options["only"]:
                continue
            try:
                found = list(findings())
            except Exception as error:  # a service that is down must not stop the other checks
                found = [Finding("fail", area, f"could not check: {error}")]
            for finding in found:
                failed += finding.level == "fail"
                style = {"ok": self.style.SUCCESS, "warn": self.style.WARNING}.get(
                    finding.level, self.style.ERROR
                )
                self.stdout.write(
                    style(f"{finding.level.upper():4}") + f"  {finding.area}: {finding.message}"
                )
        if failed:
            raise CommandError(f"{failed} check(s) failed")
