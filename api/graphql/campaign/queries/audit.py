"""Audit history query resolvers: an entity's and the caller's own (the root fields are in
api/graphql/campaign/schema.py)."""

import datetime
from typing import Any

from graphene import ResolveInfo

from api.graphql import answers
from api.graphql.addresses import Address
from api.graphql.answers import Parent
from api.graphql.campaign.access import actor, readable
from api.graphql.limits import DEFAULT_AUDIT_PAGE, MAX_PAGE_SIZE, MAX_SKIP
from campaign.actions.entities import require_authenticated
from campaign.actions.kinds import KINDS
from campaign.history_queries import audit_query, entity_campaign, own_audit_rows
from campaign.models import AuditLog
from campaign.permissions import WRITE, require_role
from kernel import cache_stats
from kernel.errors import AuthenticationError, NotFound, PermissionDenied, ValidationError


def audit_limit(limit: int | None) -> int:
    """How many audit rows to return: a limit below one is a mistake, not a request for one."""
    if limit is None:
        return DEFAULT_AUDIT_PAGE
    if limit < 1:
        raise ValidationError(f"limit must be at least 1, but received {limit}", field="limit")
    return min(limit, MAX_PAGE_SIZE)


def resolve_entity_audit_history(
    root: None,
    info: ResolveInfo,
    entity_type: str,
    entity_id: str,
    limit: int | None = DEFAULT_AUDIT_PAGE,
    operations: list[str] | None = None,
    start_date: datetime.datetime | None = None,
    end_date: datetime.datetime | None = None,
    sort_by: str = "timestamp",
    sort_order: str = "desc",
) -> Any:
    who = actor(info)
    require_authenticated(who)
    rows = audit_limit(limit)
    kind_name = entity_type.lower()

    def missing() -> NotFound:
        # One error for a missing entity and a hidden one, so probing ids reveals nothing.
        return NotFound.entity(KINDS[kind_name].entity_type, entity_id, "entityId")

    def locate() -> tuple[None, Address | None]:
        campaign = entity_campaign(kind_name, entity_id)
        if campaign is None:
            # Worlds, locations and world variables: authorized through their world, and their
            # trails not kept (what a world records has no generation).
            try:
                readable(info, kind_name, entity_id, "entityId")
            except NotFound as hidden:
                raise missing() from hidden
            return None, None
        require_role(who, campaign, WRITE, missing())
        return None, Address.of_history(f"{kind_name}:{campaign.pk}:{entity_id}", campaign)

    def load(_: None) -> list[AuditLog]:
        query = audit_query(
            AuditLog.objects.filter(entity_type=kind_name, entity_id=str(entity_id)),
            operations=operations,
            start=start_date,
            end=end_date,
            sort_by=sort_by,
            sort_order=sort_order,
        )
        return list(query[:rows])

    trail = Parent(("audit", kind_name, entity_id), locate, missing, WRITE)
    return answers.remember(info, cache_stats.AUDIT, trail, load)


def resolve_user_audit_history(
    root: None,
    info: ResolveInfo,
    user_id: str,
    limit: int | None = DEFAULT_AUDIT_PAGE,
    skip: int | None = 0,
    operations: list[str] | None = None,
    entity_types: list[str] | None = None,
    start_date: datetime.datetime | None = None,
    end_date: datetime.datetime | None = None,
    sort_by: str = "timestamp",
    sort_order: str = "desc",
) -> Any:
    who = actor(info)
    user = who.user
    if user is None:
        raise AuthenticationError("Authentication required")
    if str(user.pk) != str(user_id):
        raise PermissionDenied("You can only view your own audit history")
    skip = skip or 0
    if not 0 <= skip <= MAX_SKIP:
        raise ValidationError(f"skip must be between 0 and {MAX_SKIP}", field="skip")
    rows = audit_limit(limit)
    query = audit_query(
        own_audit_rows(who),
        operations=operations,
        entity_types=entity_types,
        start=start_date,
        end=end_date,
        sort_by=sort_by,
        sort_order=sort_order,
    )
    return list(query[skip : skip + rows])
