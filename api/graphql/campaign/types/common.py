"""Fields every entity type shares, and the variable types."""

from typing import Any

import graphene
from graphene import ResolveInfo

from api.graphql.scalars import JSON, DateTime
from kernel.snapshots import iso, public_id


class EntityFields:
    """id, timestamps, soft-delete and archive stamps (as ISO strings, per the contract)."""

    id = graphene.ID(required=True)
    created_at = DateTime(required=True)
    updated_at = DateTime(required=True)
    deleted_at = graphene.String()
    archived_at = graphene.String()

    @staticmethod
    def resolve_id(root: Any, info: ResolveInfo) -> str:
        return public_id(root)

    @staticmethod
    def resolve_deleted_at(root: Any, info: ResolveInfo) -> str | None:
        return iso(root.deleted_at)

    @staticmethod
    def resolve_archived_at(root: Any, info: ResolveInfo) -> str | None:
        return iso(getattr(root, "archived_at", None))


class Versioned:
    version = graphene.Int(required=True, description="Optimistic-lock counter.")
    is_archived = graphene.Boolean(required=True)

    @staticmethod
    def resolve_is_archived(root: Any, info: ResolveInfo) -> bool:
        return root.archived_at is not None


class BranchScoped(EntityFields, Versioned):
    campaign_id = graphene.ID(required=True)
    branch_id = graphene.ID(required=True)

    @staticmethod
    def resolve_campaign_id(root: Any, info: ResolveInfo) -> str:
        return str(root.branch.campaign_id)

    @staticmethod
    def resolve_branch_id(root: Any, info: ResolveInfo) -> str:
        return str(root.branch_id)


class SchemaVariableType(graphene.Enum):
    BOOLEAN = "boolean"
    ENUM = "enum"
    NUMBER = "number"
    STRING = "string"


class VariableSchemaType(graphene.ObjectType):
    name = graphene.String(required=True)
    type = graphene.Field(SchemaVariableType, required=True)
    enum_values = graphene.List(graphene.NonNull(graphene.String))
    default_value = JSON()
    description = graphene.String()
    required = graphene.Boolean(required=True)

    @staticmethod
    def resolve_name(root: dict[str, Any], info: ResolveInfo) -> str:
        return root["name"]  # type: ignore[no-any-return]

    @staticmethod
    def resolve_type(root: dict[str, Any], info: ResolveInfo) -> str:
        return root["type"]  # type: ignore[no-any-return]

    @staticmethod
    def resolve_enum_values(root: dict[str, Any], info: ResolveInfo) -> list[str] | None:
        return root.get("enumValues")

    @staticmethod
    def resolve_default_value(root: dict[str, Any], info: ResolveInfo) -> Any:
        return root.get("defaultValue")

    @staticmethod
    def resolve_description(root: dict[str, Any], info: ResolveInfo) -> str | None:
        return root.get("description")

    @staticmethod
    def resolve_required(root: dict[str, Any], info: ResolveInfo) -> bool:
        return bool(root.get("required"))


class Variable(graphene.ObjectType):
    name = graphene.String(required=True)
    value = JSON(required=True)


class WithTypedVariables:
    variables = JSON(required=True)
    variable_schemas = graphene.List(graphene.NonNull(VariableSchemaType), required=True)


class DefineVariableSchemaInput(graphene.InputObjectType):
    name = graphene.String(required=True)
    type = SchemaVariableType(required=True)
    enum_values = graphene.List(graphene.NonNull(graphene.String))
    default_value = JSON()
    description = graphene.String()
    required = graphene.Boolean()


class SetVariableInput(graphene.InputObjectType):
    name = graphene.String(required=True)
    value = JSON(required=True)


def schema_definition(data: dict[str, Any]) -> dict[str, Any]:
    """A DefineVariableSchemaInput as stored: camelCase keys, enum as its value."""
    definition = {
        "name": data["name"],
        "type": getattr(data["type"], "value", data["type"]),
        "enumValues": data.get("enum_values"),
        "defaultValue": data.get("default_value"),
        "description": data.get("description"),
        "required": data.get("required"),
    }
    return {k: v for k, v in definition.items() if v is not None}


SYSTEM_ACTOR = "system"
ACTOR_DOC = f"The user who made the change, or {SYSTEM_ACTOR!r} for scheduled jobs and commands."


def actor_id(user_id: Any) -> str:
    """Who made a change, as versions and audit rows show it."""
    return str(user_id) if user_id else SYSTEM_ACTOR
