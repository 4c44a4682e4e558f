"""Reading rules: field conditions, state variables, effects, evaluation and the dependency graph.

Single reads return null for a rule the caller may not see; lists are authorized in SQL (rules on
branches of campaigns the caller reads, world variables of worlds they read), so a page is never
short; evaluation failures are results (``success: false``), never errors, except running into
an evaluation limit (steps, size built, size of the result), which is a bad request naming it.
"""

import datetime
from typing import Any

import graphene
from django.db.models import F, Q, QuerySet
from django.utils import timezone
from graphene import ResolveInfo

from api.graphql.campaign.access import (
    actor,
    campaign_branch,
    get_or_none,
    readable,
)
from api.graphql.rules.types import (
    CycleDetectionResult,
    DependencyGraphResult,
    DependencyNode,
    Effect,
    EffectSortField,
    EffectTiming,
    EvaluationResult,
    FieldCondition,
    FieldConditionSortField,
    SortOrder,
    StateVariable,
    StateVariableSortField,
    VariableEvaluationResult,
    VariableScope,
    VariableType,
)
from api.graphql.scalars import JSON, DateTime
from campaign.actions import entities
from campaign.actions.branches import load_branch
from campaign.actions.entities import require_authenticated
from campaign.actions.fields import json_value
from campaign.models import Branch
from campaign.permissions import READ, readable_campaigns, readable_worlds
from kernel.errors import ValidationError
from rules import dependencies, variable_values
from rules.evaluation import Result, TraceStep, trace
from rules.graph import DependencyGraph
from rules.models import Effect as EffectModel
from rules.models import FieldCondition as FieldConditionModel
from rules.models import StateVariable as StateVariableModel
from rules.models.kinds import Occurrence, RuleTarget

MAX_TAKE = 100
BRANCH = graphene.ID(description="The branch to read; the campaign's main branch by default.")
GRAPH_BRANCH = graphene.String(
    required=True,
    default_value="main",
    description='"main" (the campaign\'s main branch) or a branch id.',
)


def value_of(choice: Any) -> Any:
    """A GraphQL enum input as its stored value."""
    return getattr(choice, "value", choice)


# --- Lists: authorization, branch, filters, order, page ------------------------------------------


def visible(info: ResolveInfo, kind: str, entity_id: Any, field: str, branch_id: Any = None) -> Any:
    """The entity the field is about; anonymous callers are refused before the lookup, so that
    unknown and real ids answer alike."""
    require_authenticated(actor(info))
    return readable(info, kind, entity_id, field, branch_id)


def visible_branch(info: ResolveInfo, campaign_id: Any, branch_id: Any = None) -> Branch:
    require_authenticated(actor(info))
    return campaign_branch(info, campaign_id, branch_id)


def page(query: QuerySet[Any], skip: int | None, take: int | None) -> list[Any]:
    skip = 0 if skip is None else skip
    take = MAX_TAKE if take is None else take
    if skip < 0:
        raise ValidationError("skip must be at least 0", field="skip")
    if take < 0:
        raise ValidationError("take must be at least 0", field="take")
    return list(query[skip : skip + min(take, MAX_TAKE)])


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


# --- Evaluation results ------------------------------------------------------------------------


def refuse_over_limits(result: Result) -> None:
    """An evaluation asked for that ran into a limit is refused rather than answered: the trace up
    to that point could itself be as large as what the limit stopped."""
    if result.limit is not None:
        raise ValidationError(str(result.error), field="context")


def trace_steps(result: Result, steps: list[TraceStep], expression: Any) -> list[dict[str, Any]]:
    """The trace as the API shows it; a failed evaluation ends with a step that did not pass."""
    shown = [
        {
            "step": s.step,
            "operation": s.operation,
            "description": s.description,
            "input": s.input,
            "output": s.output,
            "passed": s.passed,
        }
        for s in steps
    ]
    if not result.success and (not steps or steps[-1].passed):
        shown.append(
            {
                "step": str(len(shown) + 1),
                "operation": "error",
                "description": f"Evaluation failed: {result.error}",
                "input": expression,
                "output": None,
                "passed": False,
            }
        )
    return shown


# --- Dependency graph --------------------------------------------------------------------------


def graph_of(info: ResolveInfo, campaign_id: str, branch_id: str) -> DependencyGraph:
    branch = visible_branch(info, campaign_id, None if branch_id == "main" else branch_id)
    return dependencies.cached(branch)


def graph_args(**extra: Any) -> dict[str, Any]:
    return {"campaign_id": graphene.ID(required=True), "branch_id": GRAPH_BRANCH, **extra}


def unique(nodes: list[Any]) -> list[Any]:
    return list({node.id: node for node in nodes}.values())


# --- Inputs ------------------------------------------------------------------------------------


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


class EvaluateConditionInput(graphene.InputObjectType):
    condition_id = graphene.ID(required=True)
    context = JSON(required=True)
    branch_id = graphene.ID()


class EvaluateVariableInput(graphene.InputObjectType):
    variable_id = graphene.ID(required=True)
    context = JSON(description="Merged over the context of the variable's scope.")
    branch_id = graphene.ID()


def list_args(where: Any, order_by: Any) -> dict[str, Any]:
    return {
        "where": where(),
        "order_by": order_by(),
        "skip": graphene.Int(),
        "take": graphene.Int(description=f"At most {MAX_TAKE}."),
        "campaign_id": graphene.ID(description="Only this campaign's rules."),
        "branch_id": BRANCH,
    }


# --- Queries -----------------------------------------------------------------------------------


class FieldConditionQueries(graphene.ObjectType):
    get_field_condition = graphene.Field(
        FieldCondition, id=graphene.ID(required=True), branch_id=BRANCH
    )
    list_field_conditions = graphene.List(
        graphene.NonNull(FieldCondition),
        required=True,
        **list_args(FieldConditionWhereInput, FieldConditionOrderByInput),
    )
    get_conditions_for_entity = graphene.List(
        graphene.NonNull(FieldCondition),
        required=True,
        entity_type=graphene.String(required=True),
        entity_id=graphene.ID(required=True),
        field=graphene.String(),
        branch_id=BRANCH,
        description="The active conditions that apply to the entity (its own and its type's),"
        " in precedence order: highest priority first, the entity's own before its type's.",
    )
    evaluate_field_condition = graphene.Field(
        EvaluationResult, required=True, input=EvaluateConditionInput(required=True)
    )

    @staticmethod
    def resolve_get_field_condition(
        root: None, info: ResolveInfo, id: str, branch_id: str | None = None
    ) -> Any:
        return get_or_none(info, "field_condition", id, branch_id)

    @staticmethod
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
        query = base_query(FieldConditionModel, where)
        query = on_branches(query, info, list_branch(info, campaign_id, branch_id))
        query = common_filters(
            query, where, {"entity_id": "target_uid", "created_by": "created_by_id"}
        )
        if where.get("entity_type") is not None:
            query = query.filter(target_type=lower(where["entity_type"]))
        if where.get("field") is not None:
            query = query.filter(field=where["field"])
        query = ordered(query, order_by, "priority", "desc")
        return page(query, skip, take)

    @staticmethod
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
        query = FieldConditionModel.objects.filter(
            Q(target_uid=entity.uid) | Q(target_uid__isnull=True),
            branch=entity.branch,
            target_type=kind,
            is_active=True,
        ).select_related("branch__campaign")
        if field is not None:
            query = query.filter(field=field)
        return list(
            query.order_by("-priority", F("target_uid").asc(nulls_last=True), "created_at", "uid")[
                :MAX_TAKE
            ]
        )

    @staticmethod
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


class StateVariableQueries(graphene.ObjectType):
    get_state_variable = graphene.Field(
        StateVariable, id=graphene.ID(required=True), branch_id=BRANCH
    )
    list_state_variables = graphene.List(
        graphene.NonNull(StateVariable),
        required=True,
        **list_args(StateVariableWhereInput, StateVariableOrderByInput),
    )
    get_variables_for_scope = graphene.List(
        graphene.NonNull(StateVariable),
        required=True,
        scope=VariableScope(required=True),
        scope_id=graphene.ID(description="Required: the world, campaign, location or entity."),
        key=graphene.String(),
        campaign_id=graphene.ID(description="For location variables: the campaign."),
        branch_id=BRANCH,
    )
    evaluate_state_variable = graphene.Field(
        VariableEvaluationResult, required=True, input=EvaluateVariableInput(required=True)
    )

    @staticmethod
    def resolve_get_state_variable(
        root: None, info: ResolveInfo, id: str, branch_id: str | None = None
    ) -> Any:
        return get_or_none(info, "state_variable", id, branch_id)

    @staticmethod
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
        query = base_query(StateVariableModel, where).filter(
            (on_branch & Q(branch__campaign__in=readable_campaigns(who)))
            | Q(branch__isnull=True, scope="world", scope_uid__in=worlds.values("pk"))
        )
        query = common_filters(
            query, where, {"scope_id": "scope_uid", "created_by": "created_by_id"}
        )
        for name in ("scope", "type"):
            if where.get(name) is not None:
                query = query.filter(**{name: value_of(where[name])})
        if where.get("key") is not None:
            query = query.filter(key=where["key"])
        query = ordered(query, order_by, "key", "asc")
        return page(query, skip, take)

    @staticmethod
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
        query = StateVariableModel.objects.filter(scope=scope, is_active=True)
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
        return list(query.select_related("branch__campaign").order_by("key", "pk")[:MAX_TAKE])

    @staticmethod
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


class EffectQueries(graphene.ObjectType):
    get_effect = graphene.Field(Effect, id=graphene.ID(required=True), branch_id=BRANCH)
    list_effects = graphene.List(
        graphene.NonNull(Effect), required=True, **list_args(EffectWhereInput, EffectOrderByInput)
    )
    get_effects_for_entity = graphene.List(
        graphene.NonNull(Effect),
        required=True,
        entity_type=graphene.String(required=True, description="event or encounter, any case"),
        entity_id=graphene.ID(required=True),
        timing=EffectTiming(required=True),
        branch_id=BRANCH,
        description="The active effects of the event or encounter at one timing, in run order.",
    )

    @staticmethod
    def resolve_get_effect(
        root: None, info: ResolveInfo, id: str, branch_id: str | None = None
    ) -> Any:
        return get_or_none(info, "effect", id, branch_id)

    @staticmethod
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
        query = base_query(EffectModel, where)
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

    @staticmethod
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
        query = EffectModel.objects.filter(
            branch=source.branch,
            source_type=kind,
            source_uid=source.uid,
            timing=value_of(timing),
            is_active=True,
        ).select_related("branch__campaign")
        return list(query.order_by("priority", "created_at", "pk")[:MAX_TAKE])


class DependencyGraphQueries(graphene.ObjectType):
    get_dependency_graph = graphene.Field(DependencyGraphResult, required=True, **graph_args())
    get_node_dependencies = graphene.List(
        graphene.NonNull(DependencyNode),
        required=True,
        description="What the node directly depends on (reads or writes).",
        **graph_args(node_id=graphene.ID(required=True)),
    )
    get_node_dependents = graphene.List(
        graphene.NonNull(DependencyNode),
        required=True,
        description="What directly depends on the node.",
        **graph_args(node_id=graphene.ID(required=True)),
    )
    validate_dependency_graph = graphene.Field(CycleDetectionResult, required=True, **graph_args())
    get_evaluation_order = graphene.List(
        graphene.NonNull(graphene.String),
        required=True,
        description="Node ids, dependencies first; empty when the graph has a cycle.",
        **graph_args(),
    )

    @staticmethod
    def resolve_get_dependency_graph(
        root: None, info: ResolveInfo, campaign_id: str, branch_id: str = "main"
    ) -> dict[str, Any]:
        graph = graph_of(info, campaign_id, branch_id)
        nodes = list(graph.nodes.values())
        edges = graph.edges

        def count(kind: str) -> int:
            return sum(1 for node in nodes if node.type == kind)

        return {
            "campaign_id": str(campaign_id),
            "branch_id": branch_id,
            "nodes": nodes,
            "edges": edges,
            "stats": {
                "node_count": len(nodes),
                "edge_count": len(edges),
                "variable_count": count("VARIABLE"),
                "condition_count": count("CONDITION"),
                "effect_count": count("EFFECT"),
                "entity_count": count("ENTITY"),
            },
            "built_at": timezone.now(),
        }

    @staticmethod
    def resolve_get_node_dependencies(
        root: None, info: ResolveInfo, campaign_id: str, node_id: str, branch_id: str = "main"
    ) -> Any:
        return unique(graph_of(info, campaign_id, branch_id).dependencies(node_id))

    @staticmethod
    def resolve_get_node_dependents(
        root: None, info: ResolveInfo, campaign_id: str, node_id: str, branch_id: str = "main"
    ) -> Any:
        return unique(graph_of(info, campaign_id, branch_id).dependents(node_id))

    @staticmethod
    def resolve_validate_dependency_graph(
        root: None, info: ResolveInfo, campaign_id: str, branch_id: str = "main"
    ) -> dict[str, Any]:
        cycles = graph_of(info, campaign_id, branch_id).find_cycles()
        return {"has_cycles": bool(cycles), "cycle_count": len(cycles), "cycles": cycles}

    @staticmethod
    def resolve_get_evaluation_order(
        root: None, info: ResolveInfo, campaign_id: str, branch_id: str = "main"
    ) -> list[str]:
        order, unsortable = graph_of(info, campaign_id, branch_id).evaluation_order()
        return [] if unsortable else order
