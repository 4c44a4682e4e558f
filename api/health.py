"""Liveness and readiness (docs/architecture.md#processes).

Liveness answers as long as the process serves requests; it checks no dependency, so an outage
of PostgreSQL or Redis never gets healthy web replicas restarted. Readiness checks each
dependency that is configured. Without the database nothing can be served: 503 ``unavailable``,
so a load balancer stops routing to this replica until it recovers. Without Redis (the cache,
the channel layer) the API still answers from the database, only slower and without real-time
events: 200 ``degraded``, so the replica stays in rotation while operators are told. GraphQL's
``health`` runs the same checks.

Anyone may learn whether the service is up; only operators learn which check failed and why
(the messages can name hosts, ports and databases): a staff user signed in to the admin, or a
monitor sending the configured ``HEALTH_TOKEN`` in ``X-Health-Token``. The token is checked
without the database, so it still works when the database is what is down.
"""

import asyncio
import dataclasses
import hmac
from typing import Any

from asgiref.sync import async_to_sync, sync_to_async
from django.conf import settings
from django.http import HttpRequest, JsonResponse
from django.utils.cache import add_never_cache_headers, patch_vary_headers
from django.views import View
from health_check import checks
from health_check.base import HealthCheck
from health_check.contrib.redis import Redis
from redis.asyncio import Redis as AsyncRedis

from api.outages import OUTAGE_ERRORS, RETRY_AFTER_SECONDS

OK = "ok"
DEGRADED = "degraded"
UNAVAILABLE = "unavailable"
# The one dependency nothing can be served without; every other one only slows answers down.
REQUIRED = "database"


class Database(checks.Database):
    async def run(self) -> None:
        # In the request's own thread (not a pool thread that would keep a connection of its
        # own), with the connection Django closes when the request finishes.
        await sync_to_async(super().run)()


def readiness_checks() -> dict[str, HealthCheck]:
    found: dict[str, HealthCheck] = {"database": Database(), "cache": checks.Cache()}
    if settings.REDIS_CACHE_URL:
        url = settings.REDIS_CACHE_URL
        found["redis"] = Redis(
            client_factory=lambda: AsyncRedis.from_url(
                url, socket_connect_timeout=1, socket_timeout=1
            )
        )
    return found


@dataclasses.dataclass(frozen=True)
class Readiness:
    checks: dict[str, str]
    """Each check's name → ``ok`` or why it failed."""

    @property
    def status(self) -> str:
        if self.checks.get(REQUIRED, OK) != OK:
            return UNAVAILABLE
        return OK if all(outcome == OK for outcome in self.checks.values()) else DEGRADED


async def readiness() -> Readiness:
    found = readiness_checks()
    results = await asyncio.gather(*(check.get_result() for check in found.values()))
    return Readiness(
        {
            name: OK if result.error is None else str(result.error)
            for name, result in zip(found, results, strict=True)
        }
    )


check_readiness = async_to_sync(readiness)


def liveness(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": OK})


async def may_see_details(request: HttpRequest) -> bool:
    token = request.headers.get("X-Health-Token")
    if token is not None:
        expected = settings.HEALTH_TOKEN
        return bool(expected) and hmac.compare_digest(token.encode(), expected.encode())
    try:
        user = await request.auser()  # type: ignore[attr-defined]
    except OUTAGE_ERRORS:
        # The session lives in the database: while it is down nobody is signed in.
        return False
    return bool(user.is_staff)


class ReadinessView(View):
    async def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> JsonResponse:
        result = await readiness()
        body: dict[str, Any] = {"status": result.status}
        if await may_see_details(request):
            body["checks"] = result.checks
        response = JsonResponse(body, status=503 if result.status == UNAVAILABLE else 200)
        if result.status == UNAVAILABLE:
            response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        add_never_cache_headers(response)
        patch_vary_headers(response, ["Cookie", "X-Health-Token"])
        return response
