"""The FieldCondition type."""

from typing import Any

import graphene
from graphene import ResolveInfo

from api.graphql.rules.types.common import Authored, RuleFields
from api.graphql.scalars import JSON


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
