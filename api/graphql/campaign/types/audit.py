"""The Audit type: one row of the audit trail."""

from typing import Any

import graphene
from graphene import ResolveInfo

from api.graphql.campaign.types.common import ACTOR_DOC, actor_id
from api.graphql.scalars import JSON, DateTime


class Audit(graphene.ObjectType):
    id = graphene.ID(required=True)
    entity_type = graphene.String(required=True)
    entity_id = graphene.ID(required=True)
    operation = graphene.String(required=True)
    user_id = graphene.ID(required=True, description=ACTOR_DOC)
    changes = JSON(required=True)
    metadata = JSON(required=True)
    timestamp = DateTime(required=True)
    previous_state = JSON()
    new_state = JSON()
    diff = JSON()
    reason = graphene.String()
    branch_id = graphene.ID()
    campaign_id = graphene.ID()

    @staticmethod
    def resolve_user_id(root: Any, info: ResolveInfo) -> str:
        return actor_id(root.actor_id)

    @staticmethod
    def resolve_reason(root: Any, info: ResolveInfo) -> str | None:
        return root.reason or None
