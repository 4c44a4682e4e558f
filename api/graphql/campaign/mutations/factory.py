"""Builds the uniform mutations every entity has — create, update, delete, archive, restore,
set level and the typed-variable trio — from the entity's actions. Resolvers only translate
GraphQL input into an action call."""

from collections.abc import Callable
from typing import Any

import graphene
from graphene import ResolveInfo

from api.graphql.campaign.access import actor
from api.graphql.campaign.types.common import (
    DefineVariableSchemaInput,
    SetVariableInput,
    Variable,
    VariableSchemaType,
    schema_definition,
)
from api.graphql.scalars import JSON, DateTime
from campaign.actions import entities
from campaign.permissions import MANAGE, WRITE
from kernel.errors import ValidationError

ROUTING = ("branch_id", "expected_version", "world_time")
BRANCH_ARG = graphene.ID(description="The branch to change; the campaign's main branch by default.")
# The single-page app declares `$branchId: String` for delete/archive/restore, and a String
# variable cannot fill an ID argument: these take a String (docs/graphql-contract.md).
LIFE_CYCLE_BRANCH_ARG = graphene.String(
    description="The branch to change; the campaign's main branch by default."
)


class Versioning:
    """Where an update applies and which version it expects (both optional: main branch,
    no lock check); ``worldTime`` is when in the world the change takes effect."""

    branch_id = graphene.ID()
    expected_version = graphene.Float()
    world_time = DateTime()


class TypedVariablesInput:
    """The typed variables an entity input may set (checked against the schemas by the action)."""

    variables = JSON()
    variable_schemas = JSON()


def version_of(value: Any) -> int | None:
    """``expectedVersion`` is a Float in the contract; only whole numbers make sense."""
    if value is None:
        return None
    if float(value) != int(value):
        raise ValidationError("expectedVersion must be a whole number", field="expectedVersion")
    return int(value)


def split(data: dict[str, Any], renames: dict[str, str] | None = None) -> tuple[dict, dict]:
    """(action data, routing options) from an input object; ``renames`` maps input keys to
    action keys (e.g. ``class_`` → ``character_class``). Absent optional fields are dropped."""
    data = dict(data)
    options = {key: data.pop(key) for key in ROUTING if key in data}
    if "expected_version" in options:
        options["expected_version"] = version_of(options["expected_version"])
    renames = renames or {}
    return {renames.get(k, k): v for k, v in data.items()}, {
        k: v for k, v in options.items() if v is not None
    }


def life_cycle(
    kind: str,
    type_: Any,
    *,
    with_branch: bool = True,
    delete: Callable[..., Any] = entities.soft_delete,
) -> dict[str, graphene.Field]:
    """delete / archive / restore ``kind``; ``delete`` replaces the plain cascading soft delete
    where an entity needs more (a campaign takes all its branches' content with it)."""
    args: dict[str, Any] = {"id": graphene.ID(required=True)}
    if with_branch:
        args["branch_id"] = LIFE_CYCLE_BRANCH_ARG

    def make(operation: Callable[..., Any], minimum: Any) -> Callable[..., Any]:
        def resolve(root: None, info: ResolveInfo, id: str, branch_id: str | None = None) -> Any:
            instance = entities.load(actor(info), kind, id, branch_id=branch_id, minimum=minimum)
            return operation(actor(info), instance)

        return resolve

    return {
        f"delete_{kind}": graphene.Field(
            type_, required=True, resolver=make(delete, MANAGE), **args
        ),
        f"archive_{kind}": graphene.Field(
            type_, required=True, resolver=make(entities.archive, WRITE), **args
        ),
        f"restore_{kind}": graphene.Field(
            type_, required=True, resolver=make(entities.restore, WRITE), **args
        ),
    }


def set_level(kind: str, type_: Any) -> dict[str, graphene.Field]:
    def resolve(
        root: None,
        info: ResolveInfo,
        id: str,
        level: int,
        branch_id: str | None = None,
        expected_version: int | None = None,
    ) -> Any:
        instance = entities.load(actor(info), kind, id, branch_id=branch_id, minimum=WRITE)
        return entities.set_level(actor(info), instance, level, expected_version=expected_version)

    return {
        f"set_{kind}_level": graphene.Field(
            type_,
            required=True,
            id=graphene.ID(required=True),
            level=graphene.Int(required=True),
            branch_id=BRANCH_ARG,
            expected_version=graphene.Int(),
            resolver=resolve,
        )
    }


def typed_variables(kind: str) -> dict[str, graphene.Field]:
    """define<Kind>VariableSchema, set<Kind>Variable and delete<Kind>VariableSchema."""
    id_arg = f"{kind}_id"

    def target(info: ResolveInfo, kwargs: dict[str, Any]) -> Any:
        return entities.load(
            actor(info), kind, kwargs[id_arg], branch_id=kwargs.get("branch_id"), minimum=WRITE
        )

    def define(root: None, info: ResolveInfo, input: dict[str, Any], **kwargs: Any) -> Any:
        definition = schema_definition(input)
        updated = entities.define_variable_schema(actor(info), target(info, kwargs), definition)
        return next(d for d in updated.variable_schemas if d["name"] == definition["name"])

    def assign(root: None, info: ResolveInfo, input: dict[str, Any], **kwargs: Any) -> Any:
        updated = entities.set_variable(
            actor(info), target(info, kwargs), input["name"], input["value"]
        )
        return {"name": input["name"], "value": updated.variables.get(input["name"])}

    def remove(root: None, info: ResolveInfo, name: str, **kwargs: Any) -> bool:
        entities.delete_variable_schema(actor(info), target(info, kwargs), name)
        return True

    ids = {id_arg: graphene.ID(required=True), "branch_id": BRANCH_ARG}
    return {
        f"define_{kind}_variable_schema": graphene.Field(
            VariableSchemaType,
            required=True,
            input=DefineVariableSchemaInput(required=True),
            resolver=define,
            **ids,
        ),
        f"set_{kind}_variable": graphene.Field(
            Variable, required=True, input=SetVariableInput(required=True), resolver=assign, **ids
        ),
        f"delete_{kind}_variable_schema": graphene.Field(
            graphene.Boolean,
            required=True,
            name=graphene.String(required=True),
            resolver=remove,
            **ids,
        ),
    }


def object_type(name: str, *groups: dict[str, graphene.Field]) -> type[graphene.ObjectType]:
    fields: dict[str, Any] = {}
    for group in groups:
        fields.update(group)
    return type(name, (graphene.ObjectType,), fields)


def updater(update: Any, renames: dict[str, str] | None = None) -> Any:
    def resolve(root: None, info: ResolveInfo, id: str, input: dict[str, Any]) -> Any:
        data, options = split(input, renames)
        return update(actor(info), id, data, **options)

    return resolve


def create_and_update(
    kind: str,
    type_: Any,
    create: Any,
    create_input: Any,
    update: Any,
    update_input: Any,
    renames: dict[str, str] | None = None,
) -> dict[str, graphene.Field]:
    return {
        f"create_{kind}": graphene.Field(
            type_, required=True, input=create_input(required=True), resolver=create
        ),
        f"update_{kind}": graphene.Field(
            type_,
            required=True,
            id=graphene.ID(required=True),
            input=update_input(required=True),
            resolver=updater(update, renames),
        ),
    }
