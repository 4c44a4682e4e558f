"""The Encounter type."""

from typing import Any

import graphene
from graphene import ResolveInfo

from api.graphql.campaign.types.common import BranchScoped
from api.graphql.campaign.types.locations import location_id_of
from api.graphql.rules.availability import WithAvailability
from api.graphql.scalars import JSON
from kernel.snapshots import iso


class Encounter(WithAvailability, BranchScoped, graphene.ObjectType):
    name = graphene.String(required=True)
    description = graphene.String()
    difficulty = graphene.Int()
    location_id = graphene.ID(resolver=location_id_of)
    scheduled_at = graphene.String()
    is_resolved = graphene.Boolean(required=True)
    resolved_at = graphene.String()
    variables = JSON(required=True)

    @staticmethod
    def resolve_scheduled_at(root: Any, info: ResolveInfo) -> str | None:
        return iso(root.scheduled_at)

    @staticmethod
    def resolve_resolved_at(root: Any, info: ResolveInfo) -> str | None:
        return iso(root.resolved_at)
