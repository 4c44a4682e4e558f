"""A dependency outage is not a bug: it answers SERVICE_UNAVAILABLE with a retry hint.

What counts as an outage is decided here once; each transport maps it in one place, GraphQL in
``api.graphql.errors.format_error`` and REST in ``api.outage_middleware``.
"""

import logging

import psycopg
import redis.exceptions
from django import db

from kernel.errors import ServiceUnavailable

logger = logging.getLogger(__name__)

# A stopped server restarts within seconds, a failed-over one within tens: a short hint keeps
# clients from hammering it meanwhile without leaving them idle long after it is back.
RETRY_AFTER_SECONDS = 5

# Django wraps the driver's errors in its own; psycopg's are listed for code that reaches the
# driver directly. Redis errors reach here only where Redis is required: the cache, throttle and
# publishes fail open on their own.
OUTAGE_ERRORS: tuple[type[BaseException], ...] = (
    db.OperationalError,
    db.InterfaceError,
    psycopg.OperationalError,
    psycopg.InterfaceError,
    redis.exceptions.ConnectionError,
    redis.exceptions.TimeoutError,
)


def service_unavailable(error: BaseException) -> ServiceUnavailable | None:
    """The error to answer for ``error`` when it is an outage, else None."""
    if isinstance(error, ServiceUnavailable):
        return error
    if not isinstance(error, OUTAGE_ERRORS):
        return None
    # Logged with its cause for the operators; the client only learns that it should retry.
    logger.warning("A dependency is unavailable", exc_info=error)
    return ServiceUnavailable(
        "The service is temporarily unavailable; try again shortly",
        retry_after=RETRY_AFTER_SECONDS,
    )
