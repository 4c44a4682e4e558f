"""Field conditions, state variables, effects, evaluation results and the dependency graph."""

from typing import Any

import graphene
from graphene import ResolveInfo

from api.graphql.campaign.types.history import actor_id
from api.graphql.dataloaders import then
from api.graphql.rules.dataloaders import EffectById, ExecutionsByEffect, VariableValue
from api.graphql.scalars import JSON, DateTime
from kernel.snapshots import public_id

# --- Enums (wire names upper-case; values as stored) --------------------------------------------


class VariableScope(graphene.Enum):
    CAMPAIGN = "campaign"
    CHARACTER = "character"
    ENCOUNTER = "encounter"
    EVENT = "event"
    KINGDOM = "kingdom"
    LOCATION = "location"
    PARTY = "party"
    SETTLEMENT = "settlement"
    STRUCTURE = "structure"
    WORLD = "world"


class VariableType(graphene.Enum):
    BOOLEAN = "boolean"
    DERIVED = "derived"
    FLOAT = "float"
    INTEGER = "integer"
    JSON = "json"
    STRING = "string"


class EffectTiming(graphene.Enum):
    ON_RESOLVE = "ON_RESOLVE"
    POST = "POST"
    PRE = "PRE"


class SortOrder(graphene.Enum):
    ASC = "asc"
    DESC = "desc"


class EffectSortField(graphene.Enum):
    CREATED_AT = "created_at"
    EFFECT_TYPE = "effect_type"
    ENTITY_TYPE = "source_type"
    NAME = "name"
    PRIORITY = "priority"
    TIMING = "timing"
    UPDATED_AT = "updated_at"


class FieldConditionSortField(graphene.Enum):
    CREATED_AT = "created_at"
    ENTITY_TYPE = "target_type"
    FIELD = "field"
    PRIORITY = "priority"
    UPDATED_AT = "updated_at"


class StateVariableSortField(graphene.Enum):
    CREATED_AT = "created_at"
    KEY = "key"
    SCOPE = "scope"
    TYPE = "type"
    UPDATED_AT = "updated_at"


class DependencyNodeType(graphene.Enum):
    CONDITION = "CONDITION"
    EFFECT = "EFFECT"
    ENTITY = "ENTITY"
    VARIABLE = "VARIABLE"


class DependencyEdgeType(graphene.Enum):
    DEPENDS_ON = "DEPENDS_ON"
    READS = "READS"
    WRITES = "WRITES"


# --- Rules -------------------------------------------------------------------------------------


class RuleFields:
    """What every rule row shares: id, timestamps, soft-delete stamp, version, activity, branch."""

    id = graphene.ID(required=True)
    created_at = DateTime(required=True)
    updated_at = DateTime(required=True)
    deleted_at = DateTime()
    version = graphene.Int(required=True, description="Optimistic-lock counter.")
    is_active = graphene.Boolean(required=True)
    description = graphene.String()
    campaign_id = graphene.ID(description="Null for a world variable.")
    branch_id = graphene.ID(description="Null for a world variable.")

    @staticmethod
    def resolve_id(root: Any, info: ResolveInfo) -> str:
        return public_id(root)

    @staticmethod
    def resolve_description(root: Any, info: ResolveInfo) -> str | None:
        return root.description or None

    @staticmethod
    def resolve_campaign_id(root: Any, info: ResolveInfo) -> str | None:
        return str(root.branch.campaign_id) if root.branch_id else None

    @staticmethod
    def resolve_branch_id(root: Any, info: ResolveInfo) -> str | None:
        return str(root.branch_id) if root.branch_id else None


class Authored:
    created_by = graphene.ID(required=True)
    updated_by = graphene.ID()

    @staticmethod
    def resolve_created_by(root: Any, info: ResolveInfo) -> str:
        return actor_id(root.created_by_id)

    @staticmethod
    def resolve_updated_by(root: Any, info: ResolveInfo) -> str | None:
        return str(root.updated_by_id) if root.updated_by_id else None


class FieldCondition(RuleFields, Authored, graphene.ObjectType):
    """A JSONLogic expression computing ``field`` of one entity (``entityId``) or of every
    entity of ``entityType`` (``entityId`` null)."""

    entity_type = graphene.String(required=True, description="Lower-case: settlement, structure…")
    entity_id = graphene.ID(description="Null: the condition applies to every entity of the type.")
    field = graphene.String(required=True)
    expression = JSON(required=True)
    priority = graphene.Int(required=True, description="Higher wins.")

    @staticmethod
    def resolve_entity_type(root: Any, info: ResolveInfo) -> str:
        return root.target_type  # type: ignore[no-any-return]

    @staticmethod
    def resolve_entity_id(root: Any, info: ResolveInfo) -> str | None:
        return str(root.target_uid) if root.target_uid else None


class StateVariable(RuleFields, Authored, graphene.ObjectType):
    """A named value of a world, a campaign or one of its entities; a derived one computes its
    ``value`` from its ``formula``."""

    key = graphene.String(required=True)
    scope = graphene.Field(VariableScope, required=True)
    scope_id = graphene.ID(description="The world, campaign, location or entity.")
    type = graphene.Field(VariableType, required=True)
    value = JSON(description="A derived variable's value is computed in its scope.")
    value_error = graphene.String(description="Why a derived variable has no value, if it fails.")
    formula = JSON()

    @staticmethod
    def resolve_scope_id(root: Any, info: ResolveInfo) -> str:
        return str(root.scope_uid)

    @staticmethod
    def resolve_value(root: Any, info: ResolveInfo) -> Any:
        if root.type != "derived":
            return root.value
        return then(VariableValue.of(info).load(root), lambda result: result.value)

    @staticmethod
    def resolve_value_error(root: Any, info: ResolveInfo) -> Any:
        if root.type != "derived":
            return None
        return then(VariableValue.of(info).load(root), lambda result: result.error)


class EffectExecution(graphene.ObjectType):
    """One application (or dry run) of an effect."""

    id = graphene.ID(required=True)
    effect_id = graphene.ID(required=True)
    effect = graphene.Field(lambda: Effect)
    entity_type = graphene.String(required=True, description="event or encounter")
    entity_id = graphene.ID(required=True)
    executed_at = DateTime(required=True)
    executed_by = graphene.ID(required=True)
    context = JSON(required=True)
    result = JSON(required=True)
    error = graphene.String()
    dry_run = graphene.Boolean(required=True)
    status = graphene.String(description="success or failed")
    patch_applied = JSON(description="The operations applied (or, in a dry run, that would be).")

    @staticmethod
    def resolve_id(root: Any, info: ResolveInfo) -> str:
        return str(root.pk)

    @staticmethod
    def resolve_effect_id(root: Any, info: ResolveInfo) -> Any:
        return then(EffectById.of(info).load(root.effect_id), lambda effect: str(effect.uid))

    @staticmethod
    def resolve_effect(root: Any, info: ResolveInfo) -> Any:
        return EffectById.of(info).load(root.effect_id)

    @staticmethod
    def resolve_entity_type(root: Any, info: ResolveInfo) -> str:
        return root.source_type  # type: ignore[no-any-return]

    @staticmethod
    def resolve_entity_id(root: Any, info: ResolveInfo) -> str:
        return str(root.source_uid)

    @staticmethod
    def resolve_executed_by(root: Any, info: ResolveInfo) -> str:
        return actor_id(root.executed_by_id)

    @staticmethod
    def resolve_error(root: Any, info: ResolveInfo) -> str | None:
        return root.error or None

    @staticmethod
    def resolve_status(root: Any, info: ResolveInfo) -> str:
        return "success" if (root.result or {}).get("success") and not root.error else "failed"

    @staticmethod
    def resolve_patch_applied(root: Any, info: ResolveInfo) -> Any:
        return (root.result or {}).get("patchApplied")


class Effect(RuleFields, graphene.ObjectType):
    """A JSON Patch applied to its target when its event completes or its encounter resolves."""

    name = graphene.String(required=True)
    effect_type = graphene.String(required=True)
    entity_type = graphene.String(required=True, description="event or encounter")
    entity_id = graphene.ID(required=True, description="The event or encounter.")
    target_type = graphene.String(
        required=True,
        description="self (the event or encounter), settlement, structure, kingdom, party,"
        " character or state_variable",
    )
    target_id = graphene.ID(description="Null when the target is the event or encounter itself.")
    payload = JSON(required=True)
    timing = graphene.Field(EffectTiming, required=True)
    priority = graphene.Int(required=True, description="Lower runs first.")
    executions = graphene.List(graphene.NonNull(EffectExecution), description="Most recent first.")

    @staticmethod
    def resolve_entity_type(root: Any, info: ResolveInfo) -> str:
        return root.source_type  # type: ignore[no-any-return]

    @staticmethod
    def resolve_entity_id(root: Any, info: ResolveInfo) -> str:
        return str(root.source_uid)

    @staticmethod
    def resolve_target_id(root: Any, info: ResolveInfo) -> str | None:
        return str(root.target_uid) if root.target_uid else None

    @staticmethod
    def resolve_executions(root: Any, info: ResolveInfo) -> Any:
        return ExecutionsByEffect.of(info).load(root.pk)


# --- Evaluation --------------------------------------------------------------------------------


class TraceFields:
    step = graphene.String(required=True, description="The step's number, in evaluation order.")
    operation = graphene.String(description="The operator evaluated (or validate / error).")
    description = graphene.String()
    output = JSON()
    passed = graphene.Boolean(required=True)


class EvaluationTrace(TraceFields, graphene.ObjectType):
    """One operator evaluated: its argument values (``input``) and its result (``output``)."""

    input = JSON()


class EvaluationResult(graphene.ObjectType):
    success = graphene.Boolean(required=True)
    value = JSON(description="Null when the evaluation failed.")
    error = graphene.String()
    trace = graphene.List(graphene.NonNull(EvaluationTrace), required=True)


class EvaluationStep(TraceFields, graphene.ObjectType):
    input = JSON()


class VariableEvaluationResult(graphene.ObjectType):
    variable_id = graphene.ID(required=True)
    key = graphene.String(required=True)
    scope = graphene.Field(VariableScope, required=True)
    scope_id = graphene.ID()
    success = graphene.Boolean(required=True)
    value = JSON(description="Null when the evaluation failed.")
    error = graphene.String()
    trace = graphene.List(graphene.NonNull(EvaluationStep))
    context = JSON(description="The context the formula was evaluated in.")


# --- Dependency graph --------------------------------------------------------------------------


class DependencyNode(graphene.ObjectType):
    id = graphene.ID(required=True, description="<TYPE>:<id>, e.g. VARIABLE:<variable id>.")
    type = graphene.Field(DependencyNodeType, required=True)
    entity_id = graphene.ID(required=True)
    label = graphene.String()
    metadata = JSON()

    @staticmethod
    def resolve_label(root: Any, info: ResolveInfo) -> str | None:
        return root.label or None


class DependencyEdge(graphene.ObjectType):
    """``fromId`` depends on ``toId`` (reads or writes it)."""

    from_id = graphene.ID(required=True)
    to_id = graphene.ID(required=True)
    type = graphene.Field(DependencyEdgeType, required=True)
    metadata = JSON()


class DependencyGraphStats(graphene.ObjectType):
    node_count = graphene.Int(required=True)
    edge_count = graphene.Int(required=True)
    variable_count = graphene.Int(required=True)
    condition_count = graphene.Int(required=True)
    effect_count = graphene.Int(required=True)
    entity_count = graphene.Int(required=True)


class DependencyGraphResult(graphene.ObjectType):
    campaign_id = graphene.String(required=True)
    branch_id = graphene.String(required=True, description='As asked: "main" or a branch id.')
    nodes = graphene.List(graphene.NonNull(DependencyNode), required=True)
    edges = graphene.List(graphene.NonNull(DependencyEdge), required=True)
    stats = graphene.Field(DependencyGraphStats, required=True)
    built_at = DateTime(required=True)


class CycleInfo(graphene.ObjectType):
    path = graphene.List(graphene.NonNull(graphene.ID), required=True)
    description = graphene.String()


class CycleDetectionResult(graphene.ObjectType):
    has_cycles = graphene.Boolean(required=True)
    cycle_count = graphene.Int(required=True)
    cycles = graphene.List(graphene.NonNull(CycleInfo), required=True)
