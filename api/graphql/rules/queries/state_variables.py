"""State variable query inputs and resolvers (the root fields are in
api/graphql/rules/schema.py)."""

from typing import Any

import graphene
from django.db.models import Q
from graphene import ResolveInfo

from api.graphql.campaign.access import actor
from api.graphql.rules.queries.lists import (
    base_query,
    common_filters,
    list_branch,
    on_branches,
    ordered,
    page,
    value_of,
    visible,
    visible_branch,
)
from api.graphql.rules.queries.traces import refuse_over_limits, trace_steps
from api.graphql.rules.types.enums import (
    SortOrder,
    StateVariableSortField,
    VariableScope,
    VariableType,
)
from api.graphql.scalars import JSON, DateTime
from campaign.actions.fields import json_value
from campaign.permissions import readable_campaigns, readable_worlds
from kernel.errors import ValidationError
from rules import variable_values
from rules.models import StateVariable


class StateVariableWhereInput(graphene.InputObjectType):
    scope = VariableScope()
    scope_id = graphene.ID()
    key = graphene.String()
    type = VariableType()
    is_active = graphene.Boolean()
    created_by = graphene.ID()
    created_after = DateTime()
    created_before = DateTime()
    include_deleted = graphene.Boolean(default_value=False)


class StateVariableOrderByInput(graphene.InputObjectType):
    field = StateVariableSortField(default_value="key")
    order = SortOrder(default_value="asc")


class EvaluateVariableInput(graphene.InputObjectType):
    variable_id = graphene.ID(required=True)
    context = JSON(description="Merged over the context of the variable's scope.")
    branch_id = graphene.ID()


def resolve_list_state_variables(
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
    who = actor(info)
    branch = list_branch(info, campaign_id, branch_id)
    worlds = readable_worlds(who)
    if branch is None:
        on_branch = Q(branch__parent__isnull=True)
    else:
        on_branch = Q(branch=branch)
        worlds = worlds.filter(pk=branch.campaign.world_id)
    query = base_query(StateVariable, where).filter(
        (on_branch & Q(branch__campaign__in=readable_campaigns(who)))
        | Q(branch__isnull=True, scope="world", scope_uid__in=worlds.values("pk"))
    )
    query = common_filters(query, where, {"scope_id": "scope_uid", "created_by": "created_by_id"})
    for name in ("scope", "type"):
        if where.get(name) is not None:
            query = query.filter(**{name: value_of(where[name])})
    if where.get("key") is not None:
        query = query.filter(key=where["key"])
    query = ordered(query, order_by, "key", "asc")
    return page(query, skip, take)


def resolve_get_variables_for_scope(
    root: None,
    info: ResolveInfo,
    scope: Any,
    scope_id: str | None = None,
    key: str | None = None,
    campaign_id: str | None = None,
    branch_id: str | None = None,
) -> Any:
    scope = value_of(scope)
    if scope_id is None:
        raise ValidationError(f"scopeId is required for {scope} variables", field="scopeId")
    query = StateVariable.objects.filter(scope=scope, is_active=True)
    if scope == "world":
        world = visible(info, "world", scope_id, "scopeId")
        query = query.filter(branch__isnull=True, scope_uid=world.pk)
    elif scope == "campaign":
        branch = visible_branch(info, scope_id, branch_id)
        query = query.filter(branch=branch, scope_uid=branch.campaign_id)
    elif scope == "location":
        location = visible(info, "location", scope_id, "scopeId")
        query = on_branches(
            query.filter(scope_uid=location.pk), info, list_branch(info, campaign_id, branch_id)
        )
    else:
        entity = visible(info, scope, scope_id, "scopeId", branch_id)
        query = query.filter(branch=entity.branch, scope_uid=entity.uid)
    if key is not None:
        query = query.filter(key=key)
    return query.select_related("branch__campaign").order_by("key", "pk")


def resolve_evaluate_state_variable(
    root: None, info: ResolveInfo, input: dict[str, Any]
) -> dict[str, Any]:
    variable = visible(
        info, "state_variable", input["variable_id"], "variableId", input.get("branch_id")
    )
    extra = input.get("context")
    answer = {
        "variable_id": str(variable.uid),
        "key": variable.key,
        "scope": variable.scope,
        "scope_id": str(variable.scope_uid),
    }
    if extra is not None and not isinstance(extra, dict):
        error = "context must be a JSON object"
        return {**answer, "success": False, "value": None, "error": error, "trace": []}
    if extra is not None:
        json_value(extra, "context")
    result, steps, context = variable_values.evaluate(variable, extra)
    refuse_over_limits(result)
    if variable.type != "derived":
        shown = [
            {
                "step": "1",
                "operation": "value",
                "description": f"Return the stored {variable.type} value",
                "input": {"key": variable.key, "type": variable.type},
                "output": variable.value,
                "passed": True,
            }
        ]
    else:
        shown = trace_steps(result, steps, variable.formula)
    return {
        **answer,
        "success": result.success,
        "value": result.value,
        "error": result.error,
        "trace": shown,
        "context": context if variable.type == "derived" else None,
    }
