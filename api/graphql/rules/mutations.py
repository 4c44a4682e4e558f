"""Changing rules: create, update, delete and toggle field conditions, state variables and effects,
and invalidating a branch's dependency graph. Each resolver translates its input and calls the
action, which validates (expressions, patches, cycles), authorizes, versions and audits."""

from typing import Any

import graphene
from graphene import ResolveInfo

from api.graphql.campaign.access import actor
from api.graphql.campaign.mutations.factory import object_type, split
from api.graphql.rules.queries import GRAPH_BRANCH, value_of
from api.graphql.rules.types import (
    Effect,
    EffectTiming,
    FieldCondition,
    StateVariable,
    VariableScope,
    VariableType,
)
from api.graphql.scalars import JSON
from campaign.actions import entities
from campaign.actions.entities import require_authenticated
from campaign.permissions import WRITE
from kernel import generations
from rules import actions as rules

BRANCH_ARG = graphene.ID(description="The branch to change; the campaign's main branch by default.")


class CreateFieldConditionInput(graphene.InputObjectType):
    entity_type = graphene.String(required=True, description="settlement, structure, … (any case)")
    entity_id = graphene.ID(description="Null: every entity of the type (then campaignId).")
    campaign_id = graphene.ID(description="The campaign of a condition for a whole type.")
    branch_id = graphene.ID()
    field = graphene.String(required=True)
    expression = JSON(required=True)
    description = graphene.String()
    priority = graphene.Int(required=True, default_value=0)
    is_active = graphene.Boolean()


class UpdateFieldConditionInput(graphene.InputObjectType):
    expected_version = graphene.Int(required=True)
    branch_id = graphene.ID()
    expression = JSON()
    description = graphene.String()
    priority = graphene.Int()
    is_active = graphene.Boolean()


class CreateStateVariableInput(graphene.InputObjectType):
    scope = VariableScope(required=True)
    scope_id = graphene.ID(description="The world, campaign, location or entity.")
    campaign_id = graphene.ID(description="For a location variable: the campaign it belongs to.")
    branch_id = graphene.ID()
    key = graphene.String(required=True)
    type = VariableType(required=True)
    value = JSON(description="Required unless the variable is derived.")
    formula = JSON(description="JSONLogic; required for (and only for) a derived variable.")
    description = graphene.String()


class UpdateStateVariableInput(graphene.InputObjectType):
    expected_version = graphene.Int(description="Checked when given.")
    branch_id = graphene.ID()
    value = JSON()
    formula = JSON()
    description = graphene.String()
    is_active = graphene.Boolean()


class CreateEffectInput(graphene.InputObjectType):
    entity_type = graphene.String(required=True, description="event or encounter (any case)")
    entity_id = graphene.ID(required=True)
    branch_id = graphene.ID()
    target_type = graphene.String(
        description="self (default: the event or encounter), settlement, structure, kingdom,"
        " party, character or state_variable"
    )
    target_id = graphene.ID(description="Required unless the target is the source itself.")
    name = graphene.String(required=True)
    description = graphene.String()
    effect_type = graphene.String(required=True)
    payload = JSON(required=True, description="RFC 6902 JSON Patch operations.")
    timing = EffectTiming(default_value="ON_RESOLVE")
    priority = graphene.Int(default_value=0)
    is_active = graphene.Boolean()


class UpdateEffectInput(graphene.InputObjectType):
    expected_version = graphene.Int(required=True)
    branch_id = graphene.ID()
    name = graphene.String()
    description = graphene.String()
    effect_type = graphene.String()
    payload = JSON()
    timing = EffectTiming()
    priority = graphene.Int()
    is_active = graphene.Boolean()


def caller(info: ResolveInfo) -> Any:
    """The actor; anonymous callers are refused before any lookup, so that unknown and real ids
    answer alike."""
    who = actor(info)
    require_authenticated(who)
    return who


def plain(data: dict[str, Any]) -> dict[str, Any]:
    """Enum inputs as their stored values."""
    return {key: value_of(value) for key, value in data.items()}


def creator(create: Any) -> Any:
    def resolve(root: None, info: ResolveInfo, input: dict[str, Any]) -> Any:
        return create(caller(info), plain(dict(input)))

    return resolve


def updater(update: Any) -> Any:
    def resolve(root: None, info: ResolveInfo, id: str, input: dict[str, Any]) -> Any:
        data, options = split(plain(dict(input)))
        return update(caller(info), id, data, **options)

    return resolve


def rule_mutations(
    kind: str, type_: Any, create: Any, update: Any, inputs: tuple[Any, Any]
) -> dict[str, graphene.Field]:
    """create / update / delete / toggle<Kind>Active for one kind of rule."""

    def delete(root: None, info: ResolveInfo, id: str, branch_id: str | None = None) -> bool:
        rules.delete_rule(caller(info), kind, id, branch_id=branch_id)
        return True

    def toggle(
        root: None, info: ResolveInfo, id: str, is_active: bool, branch_id: str | None = None
    ) -> Any:
        return rules.toggle_active(caller(info), kind, id, is_active, branch_id=branch_id)

    create_input, update_input = inputs
    ids = {"id": graphene.ID(required=True), "branch_id": BRANCH_ARG}
    return {
        f"create_{kind}": graphene.Field(
            type_, required=True, input=create_input(required=True), resolver=creator(create)
        ),
        f"update_{kind}": graphene.Field(
            type_,
            required=True,
            id=graphene.ID(required=True),
            input=update_input(required=True),
            resolver=updater(update),
        ),
        f"delete_{kind}": graphene.Field(
            graphene.Boolean,
            required=True,
            resolver=delete,
            description="Soft delete (owner only); true once done.",
            **ids,
        ),
        f"toggle_{kind}_active": graphene.Field(
            type_, required=True, is_active=graphene.Boolean(required=True), resolver=toggle, **ids
        ),
    }


def invalidate_dependency_graph(
    root: None, info: ResolveInfo, campaign_id: str, branch_id: str = "main"
) -> bool:
    """Start the branch's cached rule results afresh (GM or owner)."""
    who = caller(info)
    campaign = entities.load(who, "campaign", campaign_id, minimum=WRITE, field="campaignId")
    branch = entities.resolve_branch(
        who, campaign, None if branch_id == "main" else branch_id, WRITE
    )
    generations.bump(campaign.pk, branch.pk)
    return True


RulesMutations = object_type(
    "RulesMutations",
    rule_mutations(
        "field_condition",
        FieldCondition,
        rules.create_field_condition,
        rules.update_field_condition,
        (CreateFieldConditionInput, UpdateFieldConditionInput),
    ),
    rule_mutations(
        "state_variable",
        StateVariable,
        rules.create_state_variable,
        rules.update_state_variable,
        (CreateStateVariableInput, UpdateStateVariableInput),
    ),
    rule_mutations(
        "effect",
        Effect,
        rules.create_effect,
        rules.update_effect,
        (CreateEffectInput, UpdateEffectInput),
    ),
    {
        "invalidate_dependency_graph": graphene.Field(
            graphene.Boolean,
            required=True,
            campaign_id=graphene.ID(required=True),
            branch_id=GRAPH_BRANCH,
            resolver=invalidate_dependency_graph,
            description="Drop the branch's cached graph and computed fields (GM or owner).",
        )
    },
)
