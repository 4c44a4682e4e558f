"""What the rules lists share: authorization, the branch, filters, order and the page."""

import datetime
from typing import Any

import graphene
from django.db.models import F, QuerySet
from graphene import ResolveInfo

from api.graphql.campaign.access import actor, campaign_branch, readable
from api.graphql.campaign.queries.factory import BRANCH
from api.graphql.limits import MAX_PAGE_SIZE
from api.graphql.paging import Page
from campaign.actions import entities
from campaign.actions.branches import load_branch
from campaign.actions.entities import require_authenticated
from campaign.models import Branch
from campaign.permissions import READ, readable_campaigns


def value_of(choice: Any) -> Any:
    """A GraphQL enum input as its stored value."""
    return getattr(choice, "value", choice)


def visible(info: ResolveInfo, kind: str, entity_id: Any, field: str, branch_id: Any = None) -> Any:
    """The entity the field is about; anonymous callers are refused before the lookup, so that
    unknown and real ids answer alike."""
    require_authenticated(actor(info))
    return readable(info, kind, entity_id, field, branch_id)


def visible_branch(info: ResolveInfo, campaign_id: Any, branch_id: Any = None) -> Branch:
    require_authenticated(actor(info))
    return campaign_branch(info, campaign_id, branch_id)


def page(query: QuerySet[Any], skip: int | None, take: int | None) -> list[Any]:
    return Page.of(skip, take, MAX_PAGE_SIZE).cut(query)


def list_branch(info: ResolveInfo, campaign_id: Any, branch_id: Any) -> Branch | None:
    """The branch a list is narrowed to: the given one (of the given campaign), else the given
    campaign's main branch; None means the main branches of every readable campaign."""
    if campaign_id is not None:
        return visible_branch(info, campaign_id, branch_id)
    if branch_id is not None:
        require_authenticated(actor(info))
        return load_branch(actor(info), branch_id, READ)
    return None


def on_branches(query: QuerySet[Any], info: ResolveInfo, branch: Branch | None) -> QuerySet[Any]:
    query = query.filter(branch__campaign__in=readable_campaigns(actor(info)))
    if branch is None:
        return query.filter(branch__parent__isnull=True)
    return query.filter(branch=branch)


def base_query(model: Any, where: dict[str, Any]) -> QuerySet[Any]:
    manager = model.all_objects if where.get("include_deleted") else model.objects
    return manager.select_related("branch__campaign")  # type: ignore[no-any-return]


def common_filters(
    query: QuerySet[Any], where: dict[str, Any], ids: dict[str, str]
) -> QuerySet[Any]:
    """``isActive``, ``createdAfter``/``createdBefore`` and the id filters in ``ids``
    (input name → column), each applied when given; an explicit null id matches nulls."""
    if where.get("is_active") is not None:
        query = query.filter(is_active=where["is_active"])
    after: datetime.datetime | None = where.get("created_after")
    before: datetime.datetime | None = where.get("created_before")
    if after is not None:
        query = query.filter(created_at__gte=after)
    if before is not None:
        query = query.filter(created_at__lte=before)
    for name, column in ids.items():
        if name not in where:
            continue
        if where[name] is None:
            query = query.filter(**{f"{column}__isnull": True})
        else:
            field = f"where.{name}"
            query = query.filter(**{column: entities.parse_id(where[name], field)})
    return query


def ordered(
    query: QuerySet[Any], order_by: dict[str, Any] | None, default: Any, direction: Any
) -> QuerySet[Any]:
    order_by = order_by or {}
    column = value_of(order_by.get("field") or default)
    descending = value_of(order_by.get("order") or direction) == "desc"
    key = F(column).desc() if descending else F(column).asc()
    return query.order_by(key, "created_at", "pk")


def lower(value: Any) -> Any:
    return value.lower() if isinstance(value, str) else value


def list_args(where: Any, order_by: Any) -> dict[str, Any]:
    return {
        "where": where(),
        "order_by": order_by(),
        "skip": graphene.Int(),
        "take": graphene.Int(description=f"At most {MAX_PAGE_SIZE}."),
        "campaign_id": graphene.ID(description="Only this campaign's rules."),
        "branch_id": BRANCH,
    }
