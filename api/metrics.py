"""``GET /metrics`` for Prometheus: the counters and histograms of every process of this host
(``observability.metrics``; summed over processes through ``PROMETHEUS_MULTIPROC_DIR`` when it is
set) and gauges read from the services at scrape time, so they cost requests nothing: database
connections and the longest running query, the Celery queue's length, Redis memory.

Access: a request carrying ``Authorization: Bearer <METRICS_TOKEN>``, or, when no token is set, a
request straight from the loopback interface (not forwarded by a proxy). nginx refuses
``/metrics`` from outside; Prometheus scrapes each replica directly (docs/operations.md).
"""

import hmac
import ipaddress
import logging
import os
from collections.abc import Iterator

import redis
from django.conf import settings
from django.db import connection
from django.http import HttpRequest, HttpResponse
from prometheus_client import CONTENT_TYPE_LATEST, REGISTRY, CollectorRegistry, generate_latest
from prometheus_client.core import GaugeMetricFamily, Metric
from prometheus_client.multiprocess import MultiProcessCollector
from prometheus_client.registry import Collector

logger = logging.getLogger(__name__)

CELERY_QUEUE = "celery"
SERVICE_TIMEOUT_SECONDS = 1


def allowed(request: HttpRequest) -> bool:
    token: str = settings.METRICS_TOKEN
    if token:
        sent = request.headers.get("Authorization", "")
        return hmac.compare_digest(sent.encode(), f"Bearer {token}".encode())
    if "x-forwarded-for" in request.headers:
        return False
    try:
        return ipaddress.ip_address(request.META.get("REMOTE_ADDR", "")).is_loopback
    except ValueError:
        return False


class ServiceCollector(Collector):
    """Gauges read from PostgreSQL and Redis when Prometheus scrapes. A service that does not
    answer reports ``cm_service_up 0`` instead of failing the scrape."""

    def collect(self) -> Iterator[Metric]:
        up = GaugeMetricFamily(
            "cm_service_up", "1 when the scrape could read the service.", labels=["service"]
        )
        for name, read in (
            ("database", self.database),
            ("broker", self.broker),
            ("cache", self.cache),
        ):
            try:
                yield from read()
            except Exception as error:  # any failure means "down" here
                logger.warning("metrics: %s unreadable: %s", name, error)
                up.add_metric([name], 0)
            else:
                up.add_metric([name], 1)
        yield up

    @staticmethod
    def database() -> Iterator[Metric]:
        if connection.vendor != "postgresql":
            return
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT state, count(*), "
                "coalesce(max(extract(epoch FROM now() - query_start)) "
                "FILTER (WHERE state = 'active' AND pid <> pg_backend_pid()), 0) "
                "FROM pg_stat_activity WHERE datname = current_database() GROUP BY state"
            )
            rows = cursor.fetchall()
            cursor.execute("SHOW max_connections")
            (max_connections,) = cursor.fetchone()
        connections = GaugeMetricFamily(
            "cm_db_connections", "PostgreSQL backends of this database, by state.", labels=["state"]
        )
        for state, count, _ in rows:
            connections.add_metric([state or "unknown"], count)
        yield connections
        yield GaugeMetricFamily(
            "cm_db_max_connections", "PostgreSQL's max_connections.", value=int(max_connections)
        )
        yield GaugeMetricFamily(
            "cm_db_longest_query_seconds",
            "How long the longest running statement of this database has run.",
            value=max((float(longest) for _, _, longest in rows), default=0.0),
        )

    @staticmethod
    def _redis(url: str) -> redis.Redis:
        return redis.Redis.from_url(
            url,
            socket_connect_timeout=SERVICE_TIMEOUT_SECONDS,
            socket_timeout=SERVICE_TIMEOUT_SECONDS,
        )

    def broker(self) -> Iterator[Metric]:
        url: str = settings.CELERY_BROKER_URL
        if not url.startswith("redis"):
            return
        with self._redis(url) as client:
            length = client.llen(CELERY_QUEUE)
        yield GaugeMetricFamily(
            "cm_celery_queue_length", "Tasks waiting in the Celery queue.", value=length
        )

    def cache(self) -> Iterator[Metric]:
        url = settings.REDIS_CACHE_URL
        if not url:
            return
        with self._redis(url) as client:
            memory = client.info("memory")
        yield GaugeMetricFamily(
            "cm_redis_memory_used_bytes", "Redis used_memory.", value=memory["used_memory"]
        )
        yield GaugeMetricFamily(
            "cm_redis_maxmemory_bytes", "Redis maxmemory (0: unlimited).", value=memory["maxmemory"]
        )


SERVICES = CollectorRegistry(auto_describe=False)
SERVICES.register(ServiceCollector())


def process_metrics() -> bytes:
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        MultiProcessCollector(registry)
        return generate_latest(registry)
    return generate_latest(REGISTRY)


def metrics(request: HttpRequest) -> HttpResponse:
    if not allowed(request):
        return HttpResponse("Forbidden\n", status=403, content_type="text/plain")
    body = process_metrics() + generate_latest(SERVICES)
    return HttpResponse(body, content_type=CONTENT_TYPE_LATEST)
