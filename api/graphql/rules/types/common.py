"""What every rule type shares."""

from typing import Any

import graphene
from graphene import ResolveInfo

from api.graphql.campaign.types.common import actor_id
from api.graphql.scalars import DateTime
from kernel.snapshots import public_id


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
