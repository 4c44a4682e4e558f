"""The Audit type: one row of the audit trail."""

from typing import Any

import graphene
from graphene import ResolveInfo

from api.graphql.campaign.types.common import ACTOR_DOC, actor_id
from api.graphql.scalars import JSON, DateTime
from campaign import history_shapes


class Audit(graphene.ObjectType):
    id = graphene.ID(required=True)
    entity_type = graphene.String(required=True)
    entity_id = graphene.ID(required=True)
    operation = graphene.String(required=True)
    user_id = graphene.ID(required=True, description=ACTOR_DOC)
    changes = JSON(required=True)
    metadata = JSON(required=True)
    timestamp = DateTime(required=True)
    previous_state = JSON(description="Keyed as the entity's fields are (kingdomId, createdAt).")
    new_state = JSON(description="Keyed as the entity's fields are (kingdomId, createdAt).")
    diff = JSON(
        description="{added: {field: value}, modified: {field: {old, new}}, removed: {field: "
        "value}} on the states' top-level fields; null when the row records no state."
    )
    patch = JSON(description="The same change as an RFC 6902 JSON Patch.")
    reason = graphene.String()
    branch_id = graphene.ID()
    campaign_id = graphene.ID()

    @staticmethod
    def resolve_user_id(root: Any, info: ResolveInfo) -> str:
        return actor_id(root.actor_id)

    @staticmethod
    def resolve_changes(root: Any, info: ResolveInfo) -> Any:
        return history_shapes.changes(root)

    @staticmethod
    def resolve_previous_state(root: Any, info: ResolveInfo) -> Any:
        return history_shapes.previous_state(root)

    @staticmethod
    def resolve_new_state(root: Any, info: ResolveInfo) -> Any:
        return history_shapes.new_state(root)

    @staticmethod
    def resolve_diff(root: Any, info: ResolveInfo) -> Any:
        return history_shapes.diff(root)

    @staticmethod
    def resolve_patch(root: Any, info: ResolveInfo) -> Any:
        return history_shapes.patch(root)

    @staticmethod
    def resolve_reason(root: Any, info: ResolveInfo) -> str | None:
        return root.reason or None
