"""Field condition query inputs and resolvers (the root fields are in
api/graphql/rules/schema.py)."""

from typing import Any

import graphene
from django.db.models import F, Q
from graphene import ResolveInfo

from api.graphql.rules.queries.lists import (
    base_query,
    common_filters,
    list_branch,
    lower,
    on_branches,
    ordered,
    page,
    visible,
)
from api.graphql.rules.queries.traces import refuse_over_limits, trace_steps
from api.graphql.rules.types.enums import FieldConditionSortField, SortOrder
from api.graphql.scalars import JSON, DateTime
from campaign.actions.fields import json_value
from kernel.errors import ValidationError
from rules.evaluation import Result, TraceStep, trace
from rules.models import FieldCondition
from rules.models.kinds import RuleTarget


class FieldConditionWhereInput(graphene.InputObjectType):
    entity_type = graphene.String()
    entity_id = graphene.ID(description="null: only the conditions for a whole type.")
    field = graphene.String()
    is_active = graphene.Boolean()
    created_by = graphene.ID()
    created_after = DateTime()
    created_before = DateTime()
    include_deleted = graphene.Boolean(default_value=False)


class FieldConditionOrderByInput(graphene.InputObjectType):
    field = FieldConditionSortField(default_value="priority")
    order = SortOrder(default_value="desc")


class EvaluateConditionInput(graphene.InputObjectType):
    condition_id = graphene.ID(required=True)
    context = JSON(required=True)
    branch_id = graphene.ID()


def resolve_list_field_conditions(
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
    query = base_query(FieldCondition, where)
    query = on_branches(query, info, list_branch(info, campaign_id, branch_id))
    query = common_filters(query, where, {"entity_id": "target_uid", "created_by": "created_by_id"})
    if where.get("entity_type") is not None:
        query = query.filter(target_type=lower(where["entity_type"]))
    if where.get("field") is not None:
        query = query.filter(field=where["field"])
    query = ordered(query, order_by, "priority", "desc")
    return page(query, skip, take)


def resolve_get_conditions_for_entity(
    root: None,
    info: ResolveInfo,
    entity_type: str,
    entity_id: str,
    field: str | None = None,
    branch_id: str | None = None,
) -> Any:
    kind = lower(entity_type)
    if kind not in RuleTarget.values:
        raise ValidationError(f"Unsupported entity type: {entity_type}", field="entityType")
    entity = visible(info, kind, entity_id, "entityId", branch_id)
    query = FieldCondition.objects.filter(
        Q(target_uid=entity.uid) | Q(target_uid__isnull=True),
        branch=entity.branch,
        target_type=kind,
        is_active=True,
    ).select_related("branch__campaign")
    if field is not None:
        query = query.filter(field=field)
    return query.order_by("-priority", F("target_uid").asc(nulls_last=True), "created_at", "uid")


def resolve_evaluate_field_condition(
    root: None, info: ResolveInfo, input: dict[str, Any]
) -> dict[str, Any]:
    condition = visible(
        info, "field_condition", input["condition_id"], "conditionId", input.get("branch_id")
    )
    context = input.get("context")
    if not isinstance(context, dict):
        result, steps = Result(False, None, "context must be a JSON object"), list[TraceStep]()
    else:
        # A context too deep to walk is a bad request, not a failed evaluation.
        result, steps = trace(condition.expression, json_value(context, "context"))
        refuse_over_limits(result)
    return {
        "success": result.success,
        "value": result.value,
        "error": result.error,
        "trace": trace_steps(result, steps, condition.expression),
    }
