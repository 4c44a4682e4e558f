"""Builds the root fields of the mutations every entity has — create, update, delete, archive,
restore, set level and the typed-variable trio — one field a call, so that the root types name
each field (``delete_kingdom = delete("kingdom", Kingdom)``). Resolvers only translate GraphQL
input into an action call."""

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


def input_field(type_: Any, input_: Any, resolver: Callable[..., Any]) -> graphene.Field:
    """A mutation taking `input:` (create<Kind>, addPartyMember, …)."""
    return graphene.Field(type_, required=True, input=input_(required=True), resolver=resolver)


def id_input_field(type_: Any, input_: Any, resolver: Callable[..., Any]) -> graphene.Field:
    """A mutation taking `id:` and `input:` (update<Kind>, …)."""
    return graphene.Field(
        type_,
        required=True,
        id=graphene.ID(required=True),
        input=input_(required=True),
        resolver=resolver,
    )


def created_under(
    parent: str, action: Callable[..., Any], renames: dict[str, str] | None = None
) -> Callable[..., Any]:
    """A create resolver: the input's ``parent`` id (``campaign_id``, ``kingdom_id``, …) is the
    action's argument of that name, the rest its data and routing options."""

    def resolve(root: None, info: ResolveInfo, input: dict[str, Any]) -> Any:
        data, options = split(input, renames)
        parent_id = data.pop(parent)
        return action(actor(info), **{parent: parent_id}, data=data, **options)

    return resolve


def updater(
    id_name: str, action: Callable[..., Any], renames: dict[str, str] | None = None
) -> Callable[..., Any]:
    """An update resolver: ``id`` is the action's argument named ``id_name`` (``kingdom_id``, …),
    the input split into the action's data and routing options."""

    def resolve(root: None, info: ResolveInfo, id: str, input: dict[str, Any]) -> Any:
        data, options = split(input, renames)
        return action(actor(info), **{id_name: id}, data=data, **options)

    return resolve


def life_cycle_field(
    kind: str, type_: Any, operation: Callable[..., Any], minimum: Any, with_branch: bool
) -> graphene.Field:
    def resolve(root: None, info: ResolveInfo, id: str, branch_id: str | None = None) -> Any:
        instance = entities.load(actor(info), kind, id, branch_id=branch_id, minimum=minimum)
        return operation(actor(info), instance=instance)

    args: dict[str, Any] = {"id": graphene.ID(required=True)}
    if with_branch:
        args["branch_id"] = LIFE_CYCLE_BRANCH_ARG
    return graphene.Field(type_, required=True, resolver=resolve, **args)


def delete(
    kind: str,
    type_: Any,
    *,
    with_branch: bool = True,
    action: Callable[..., Any] = entities.soft_delete,
) -> graphene.Field:
    """delete<Kind>(id:, branchId:) by the owner; ``action`` replaces the plain cascading soft
    delete where an entity needs more (a campaign takes all its branches' content with it)."""
    return life_cycle_field(kind, type_, action, MANAGE, with_branch)


def archive(kind: str, type_: Any, *, with_branch: bool = True) -> graphene.Field:
    return life_cycle_field(kind, type_, entities.archive, WRITE, with_branch)


def restore(kind: str, type_: Any, *, with_branch: bool = True) -> graphene.Field:
    return life_cycle_field(kind, type_, entities.restore, WRITE, with_branch)


def set_level(kind: str, type_: Any) -> graphene.Field:
    def resolve(
        root: None,
        info: ResolveInfo,
        id: str,
        level: int,
        branch_id: str | None = None,
        expected_version: int | None = None,
    ) -> Any:
        instance = entities.load(actor(info), kind, id, branch_id=branch_id, minimum=WRITE)
        return entities.set_level(
            actor(info), instance=instance, level=level, expected_version=expected_version
        )

    return graphene.Field(
        type_,
        required=True,
        id=graphene.ID(required=True),
        level=graphene.Int(required=True),
        branch_id=BRANCH_ARG,
        expected_version=graphene.Int(),
        resolver=resolve,
    )


# The typed-variable trio: define<Kind>VariableSchema, set<Kind>Variable and
# delete<Kind>VariableSchema, each addressing its entity by ``<kind>Id``.


def variable_target(kind: str, info: ResolveInfo, kwargs: dict[str, Any]) -> Any:
    return entities.load(
        actor(info), kind, kwargs[f"{kind}_id"], branch_id=kwargs.get("branch_id"), minimum=WRITE
    )


def target_args(kind: str) -> dict[str, Any]:
    """Made before a field's other arguments: graphene orders arguments as they were made, and
    the schema lists the target first."""
    return {f"{kind}_id": graphene.ID(required=True), "branch_id": BRANCH_ARG}


def define_variable_schema(kind: str) -> graphene.Field:
    def resolve(root: None, info: ResolveInfo, input: dict[str, Any], **kwargs: Any) -> Any:
        definition = schema_definition(input)
        target = variable_target(kind, info, kwargs)
        updated = entities.define_variable_schema(
            actor(info), instance=target, definition=definition
        )
        return next(d for d in updated.variable_schemas if d["name"] == definition["name"])

    args = target_args(kind)
    return graphene.Field(
        VariableSchemaType,
        required=True,
        input=DefineVariableSchemaInput(required=True),
        resolver=resolve,
        **args,
    )


def set_variable(kind: str) -> graphene.Field:
    def resolve(root: None, info: ResolveInfo, input: dict[str, Any], **kwargs: Any) -> Any:
        target = variable_target(kind, info, kwargs)
        updated = entities.set_variable(
            actor(info), instance=target, name=input["name"], value=input["value"]
        )
        return {"name": input["name"], "value": updated.variables.get(input["name"])}

    args = target_args(kind)
    return graphene.Field(
        Variable,
        required=True,
        input=SetVariableInput(required=True),
        resolver=resolve,
        **args,
    )


def delete_variable_schema(kind: str) -> graphene.Field:
    def resolve(root: None, info: ResolveInfo, name: str, **kwargs: Any) -> bool:
        entities.delete_variable_schema(
            actor(info), instance=variable_target(kind, info, kwargs), name=name
        )
        return True

    args = target_args(kind)
    return graphene.Field(
        graphene.Boolean,
        required=True,
        name=graphene.String(required=True),
        resolver=resolve,
        **args,
    )
