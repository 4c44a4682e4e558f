"""Liveness and readiness (docs/architecture.md#processes).

Liveness answers as long as the process serves requests; it checks no dependency, so an outage
of PostgreSQL or Redis never gets healthy web replicas restarted. Readiness checks each
dependency that is configured and answers 503 when one is down, so a load balancer stops routing
to this replica until it recovers.
"""

from typing import Any

from django.conf import settings
from django.http import HttpRequest, JsonResponse
from health_check.views import HealthCheckView
from redis.asyncio import Redis as AsyncRedis


def liveness(request: HttpRequest) -> JsonResponse:
    return JsonResponse({"status": "ok"})


def readiness_checks() -> list[Any]:
    checks: list[Any] = ["health_check.checks.Database", "health_check.checks.Cache"]
    if settings.REDIS_CACHE_URL:
        url = settings.REDIS_CACHE_URL
        checks.append(
            (
                "health_check.contrib.redis.Redis",
                {"client_factory": lambda: AsyncRedis.from_url(url, socket_connect_timeout=1)},
            )
        )
    return checks


class ReadinessView(HealthCheckView):
    def get_checks(self):  # type: ignore[no-untyped-def]
        self.checks = readiness_checks()
        return super().get_checks()

    async def get(self, request: HttpRequest, *args: Any, **kwargs: Any) -> Any:
        response = await super().get(request, *args, **kwargs)
        if response.status_code == 500:
            # Unhealthy is "not ready to serve", not "this server crashed".
            response.status_code = 503
        return response
