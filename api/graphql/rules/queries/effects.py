"""Effect query inputs and resolvers (the root fields are in api/graphql/rules/schema.py)."""

from typing import Any

import graphene
from graphene import ResolveInfo

from api.graphql.rules.queries.lists import (
    base_query,
    common_filters,
    list_branch,
    lower,
    on_branches,
    ordered,
    page,
    value_of,
    visible,
)
from api.graphql.rules.types.enums import EffectSortField, EffectTiming, SortOrder
from api.graphql.scalars import DateTime
from kernel.errors import ValidationError
from rules.models import Effect
from rules.models.kinds import Occurrence


class EffectWhereInput(graphene.InputObjectType):
    name = graphene.String(description="Case-insensitive substring.")
    effect_type = graphene.String()
    entity_type = graphene.String()
    entity_id = graphene.ID()
    timing = EffectTiming()
    is_active = graphene.Boolean()
    created_after = DateTime()
    created_before = DateTime()
    include_deleted = graphene.Boolean(default_value=False)


class EffectOrderByInput(graphene.InputObjectType):
    field = EffectSortField(default_value="priority")
    order = SortOrder(default_value="asc")


def resolve_list_effects(
    root: None,
    info: ResolveInfo,
    where: dict[str, Any] | None = None,
    order_by: dict[str, Any] | None = None,
    skip: int | None = None,
    take: int | None = None,
    campaign_id: str | None = None,
    branch_id: str | None = None,
) -> Any:
    where = where or {}
    query = base_query(Effect, where)
    query = on_branches(query, info, list_branch(info, campaign_id, branch_id))
    query = common_filters(query, where, {"entity_id": "source_uid"})
    if where.get("name") is not None:
        query = query.filter(name__icontains=where["name"])
    if where.get("effect_type") is not None:
        query = query.filter(effect_type=where["effect_type"])
    if where.get("entity_type") is not None:
        query = query.filter(source_type=lower(where["entity_type"]))
    if where.get("timing") is not None:
        query = query.filter(timing=value_of(where["timing"]))
    query = ordered(query, order_by, "priority", "asc")
    return page(query, skip, take)


def resolve_get_effects_for_entity(
    root: None,
    info: ResolveInfo,
    entity_type: str,
    entity_id: str,
    timing: Any,
    branch_id: str | None = None,
) -> Any:
    kind = lower(entity_type)
    if kind not in Occurrence.values:
        raise ValidationError(
            f"Unsupported entity type: {entity_type} (effects hang off events and encounters)",
            field="entityType",
        )
    source = visible(info, kind, entity_id, "entityId", branch_id)
    query = Effect.objects.filter(
        branch=source.branch,
        source_type=kind,
        source_uid=source.uid,
        timing=value_of(timing),
        is_active=True,
    ).select_related("branch__campaign")
    return query.order_by("priority", "created_at", "pk")
