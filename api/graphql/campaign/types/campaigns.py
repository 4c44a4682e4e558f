"""The Campaign type and its members."""

from typing import Any

import graphene
from graphene import ResolveInfo

from api.graphql.campaign.dataloaders import MainBranchByCampaign
from api.graphql.campaign.types.common import EntityFields, Versioned
from api.graphql.dataloaders import then
from api.graphql.scalars import JSON, DateTime
from kernel.snapshots import iso


class Campaign(EntityFields, Versioned, graphene.ObjectType):
    name = graphene.String(required=True)
    world_id = graphene.ID(required=True)
    owner_id = graphene.ID(required=True)
    settings = JSON(required=True)
    is_active = graphene.Boolean(required=True)
    srid = graphene.Int(required=True)
    current_world_time = graphene.String(
        description="The main branch's world time (ISO-8601), if its clock has been set."
    )

    @staticmethod
    def resolve_current_world_time(root: Any, info: ResolveInfo) -> Any:
        return then(
            MainBranchByCampaign.of(info).load(root.pk),
            lambda branch: iso(branch.current_world_time) if branch else None,
        )


class CampaignMember(graphene.ObjectType):
    user_id = graphene.ID(required=True)
    email = graphene.String(required=True)
    name = graphene.String()
    role = graphene.String(required=True)
    created_at = DateTime(required=True)

    @staticmethod
    def resolve_email(root: Any, info: ResolveInfo) -> str:
        return root.user.email  # type: ignore[no-any-return]

    @staticmethod
    def resolve_name(root: Any, info: ResolveInfo) -> str | None:
        return root.user.name or None
