"""The rules' root fields, each declared by name, in the order the printed schema lists them
(graphene orders the fields of one type as they were made). Inputs and resolvers live in the
module named for the kind of rule, under ``queries/`` and ``mutations/``.

Reads: a rule looked up by id is null when the caller may not see it; lists are authorized in
SQL (rules on branches of campaigns the caller reads, world variables of worlds they read), so a
page is never short; evaluation failures are results (``success: false``), never errors, except
running into an evaluation limit (steps, size built, size of the result), which is a bad request
naming it."""

import graphene

from api.graphql.campaign.queries.factory import BRANCH, by_id
from api.graphql.limits import MAX_PAGE_SIZE
from api.graphql.paging import paged_list
from api.graphql.rules.mutations import effects, field_conditions, resolution, state_variables
from api.graphql.rules.mutations.dependency_graph import invalidate_dependency_graph
from api.graphql.rules.mutations.factory import create_rule, delete_rule, toggle_rule, update_rule
from api.graphql.rules.queries.dependency_graph import (
    GRAPH_BRANCH,
    graph_args,
    resolve_get_dependency_graph,
    resolve_get_evaluation_order,
    resolve_get_node_dependencies,
    resolve_get_node_dependents,
    resolve_validate_dependency_graph,
)
from api.graphql.rules.queries.effects import (
    EffectOrderByInput,
    EffectWhereInput,
    resolve_get_effects_for_entity,
    resolve_list_effects,
)
from api.graphql.rules.queries.field_conditions import (
    EvaluateConditionInput,
    FieldConditionOrderByInput,
    FieldConditionWhereInput,
    resolve_evaluate_field_condition,
    resolve_get_conditions_for_entity,
    resolve_list_field_conditions,
)
from api.graphql.rules.queries.lists import list_args
from api.graphql.rules.queries.state_variables import (
    EvaluateVariableInput,
    StateVariableOrderByInput,
    StateVariableWhereInput,
    resolve_evaluate_state_variable,
    resolve_get_variables_for_scope,
    resolve_list_state_variables,
)
from api.graphql.rules.types.dependency_graph import (
    CycleDetectionResult,
    DependencyGraphResult,
    DependencyNode,
)
from api.graphql.rules.types.effects import Effect
from api.graphql.rules.types.enums import EffectTiming, VariableScope
from api.graphql.rules.types.evaluation import EvaluationResult, VariableEvaluationResult
from api.graphql.rules.types.field_conditions import FieldCondition
from api.graphql.rules.types.resolution import (
    EffectExecutionResult,
    EffectExecutionSummary,
    EncounterResolutionResult,
    EventCompletionResult,
)
from api.graphql.rules.types.state_variables import StateVariable
from rules import actions as rules


class FieldConditionQueries(graphene.ObjectType):
    get_field_condition = by_id(FieldCondition, "field_condition")
    list_field_conditions = graphene.List(
        graphene.NonNull(FieldCondition),
        required=True,
        resolver=resolve_list_field_conditions,
        **list_args(FieldConditionWhereInput, FieldConditionOrderByInput),
    )
    get_conditions_for_entity = paged_list(
        FieldCondition,
        resolve_get_conditions_for_entity,
        most=MAX_PAGE_SIZE,
        entity_type=graphene.String(required=True),
        entity_id=graphene.ID(required=True),
        field=graphene.String(),
        branch_id=BRANCH,
        description="The active conditions that apply to the entity (its own and its type's), "
        " in precedence order: highest priority first, the entity's own before its type's.",
    )
    evaluate_field_condition = graphene.Field(
        EvaluationResult,
        required=True,
        input=EvaluateConditionInput(required=True),
        resolver=resolve_evaluate_field_condition,
    )


class StateVariableQueries(graphene.ObjectType):
    get_state_variable = by_id(StateVariable, "state_variable")
    list_state_variables = graphene.List(
        graphene.NonNull(StateVariable),
        required=True,
        resolver=resolve_list_state_variables,
        **list_args(StateVariableWhereInput, StateVariableOrderByInput),
    )
    get_variables_for_scope = paged_list(
        StateVariable,
        resolve_get_variables_for_scope,
        most=MAX_PAGE_SIZE,
        scope=VariableScope(required=True),
        scope_id=graphene.ID(description="Required: the world, campaign, location or entity."),
        key=graphene.String(),
        campaign_id=graphene.ID(description="For location variables: the campaign."),
        branch_id=BRANCH,
    )
    evaluate_state_variable = graphene.Field(
        VariableEvaluationResult,
        required=True,
        input=EvaluateVariableInput(required=True),
        resolver=resolve_evaluate_state_variable,
    )


class EffectQueries(graphene.ObjectType):
    get_effect = by_id(Effect, "effect")
    list_effects = graphene.List(
        graphene.NonNull(Effect),
        required=True,
        resolver=resolve_list_effects,
        **list_args(EffectWhereInput, EffectOrderByInput),
    )
    get_effects_for_entity = paged_list(
        Effect,
        resolve_get_effects_for_entity,
        most=MAX_PAGE_SIZE,
        entity_type=graphene.String(required=True, description="event or encounter, any case"),
        entity_id=graphene.ID(required=True),
        timing=EffectTiming(required=True),
        branch_id=BRANCH,
        description="The active effects of the event or encounter at one timing, in run order.",
    )


class DependencyGraphQueries(graphene.ObjectType):
    get_dependency_graph = graphene.Field(
        DependencyGraphResult,
        required=True,
        resolver=resolve_get_dependency_graph,
        **graph_args(),
    )
    get_node_dependencies = graphene.List(
        graphene.NonNull(DependencyNode),
        required=True,
        description="What the node directly depends on (reads or writes).",
        resolver=resolve_get_node_dependencies,
        **graph_args(node_id=graphene.ID(required=True)),
    )
    get_node_dependents = graphene.List(
        graphene.NonNull(DependencyNode),
        required=True,
        description="What directly depends on the node.",
        resolver=resolve_get_node_dependents,
        **graph_args(node_id=graphene.ID(required=True)),
    )
    validate_dependency_graph = graphene.Field(
        CycleDetectionResult,
        required=True,
        resolver=resolve_validate_dependency_graph,
        **graph_args(),
    )
    get_evaluation_order = graphene.List(
        graphene.NonNull(graphene.String),
        required=True,
        description="Node ids, dependencies first; empty when the graph has a cycle.",
        resolver=resolve_get_evaluation_order,
        **graph_args(),
    )


class RulesMutations(graphene.ObjectType):
    create_field_condition = create_rule(
        FieldCondition, field_conditions.CreateFieldConditionInput, rules.create_field_condition
    )
    update_field_condition = update_rule(
        FieldCondition,
        field_conditions.UpdateFieldConditionInput,
        "condition_id",
        rules.update_field_condition,
    )
    delete_field_condition = delete_rule("field_condition")
    toggle_field_condition_active = toggle_rule("field_condition", FieldCondition)
    create_state_variable = create_rule(
        StateVariable, state_variables.CreateStateVariableInput, rules.create_state_variable
    )
    update_state_variable = update_rule(
        StateVariable,
        state_variables.UpdateStateVariableInput,
        "variable_id",
        rules.update_state_variable,
    )
    delete_state_variable = delete_rule("state_variable")
    toggle_state_variable_active = toggle_rule("state_variable", StateVariable)
    create_effect = create_rule(Effect, effects.CreateEffectInput, rules.create_effect)
    update_effect = update_rule(Effect, effects.UpdateEffectInput, "effect_id", rules.update_effect)
    delete_effect = delete_rule("effect")
    toggle_effect_active = toggle_rule("effect", Effect)
    invalidate_dependency_graph = graphene.Field(
        graphene.Boolean,
        required=True,
        campaign_id=graphene.ID(required=True),
        branch_id=GRAPH_BRANCH,
        resolver=invalidate_dependency_graph,
        description="Drop the branch's cached graph and computed fields (GM or owner).",
    )
    execute_effect = graphene.Field(
        EffectExecutionResult,
        required=True,
        input=resolution.ExecuteEffectInput(required=True),
        resolver=resolution.resolve_execute_effect,
        description="Apply one active effect to its target now (GM or owner); a dry run writes"
        " nothing.",
    )
    execute_effects_for_entity = graphene.Field(
        EffectExecutionSummary,
        required=True,
        input=resolution.ExecuteEffectsForEntityInput(required=True),
        resolver=resolution.resolve_execute_effects_for_entity,
        description="Apply an event's or encounter's active effects of one timing, in priority"
        " order, all or none (GM or owner).",
    )
    complete_event = graphene.Field(
        EventCompletionResult,
        required=True,
        resolver=resolution.resolve_complete_event,
        description="Run PRE effects, mark the event completed, run ON_RESOLVE and POST"
        " effects and what it triggers, in one transaction (GM or owner).",
        **resolution.resolution_args(),
    )
    resolve_encounter = graphene.Field(
        EncounterResolutionResult,
        required=True,
        resolver=resolution.resolve_resolve_encounter,
        description="Run PRE effects, mark the encounter resolved, run ON_RESOLVE and POST"
        " effects and what it triggers, in one transaction (GM or owner).",
        **resolution.resolution_args(),
    )
