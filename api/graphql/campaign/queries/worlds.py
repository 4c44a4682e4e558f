"""World query resolvers (the root fields are in api/graphql/campaign/schema.py)."""

from typing import Any

from django.db.models import QuerySet
from graphene import ResolveInfo

from api.graphql.campaign.access import actor, get_or_none
from campaign.models import World
from campaign.permissions import readable_worlds
from kernel.errors import AuthenticationError


def resolve_worlds(root: None, info: ResolveInfo) -> QuerySet[World]:
    """Worlds the user created, and the worlds of their campaigns (only its campaign's world
    for a campaign-restricted API key)."""
    who = actor(info)
    if who.user is None and not who.is_system:
        raise AuthenticationError("Authentication required")
    query = readable_worlds(who).filter(archived_at__isnull=True)
    return query.order_by("name", "pk")


def resolve_world(root: None, info: ResolveInfo, id: str) -> Any:
    return get_or_none(info, "world", id)
