"""The health query resolver (the root field is in api/graphql/campaign/schema.py)."""

from typing import Any

from django.utils import timezone
from graphene import ResolveInfo

API_VERSION = "1.0.0"


def resolve_health(root: None, info: ResolveInfo) -> dict[str, Any]:
    """The readiness /health/ reports: "ok", "degraded" when Redis is down (answers come from
    the database), or "unavailable" when the database is down."""
    status = info.context.readiness.status
    return {"status": status, "timestamp": timezone.now(), "version": API_VERSION}
