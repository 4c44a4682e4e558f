"""The Event type."""

from typing import Any

import graphene
from graphene import ResolveInfo

from api.graphql.campaign.types.common import BranchScoped
from api.graphql.campaign.types.locations import location_id_of
from api.graphql.rules.availability import WithAvailability
from api.graphql.scalars import JSON
from kernel.snapshots import iso


class Event(WithAvailability, BranchScoped, graphene.ObjectType):
    name = graphene.String(required=True)
    description = graphene.String()
    event_type = graphene.String(required=True)
    location_id = graphene.ID(resolver=location_id_of)
    scheduled_at = graphene.String()
    occurred_at = graphene.String()
    is_completed = graphene.Boolean(required=True)
    variables = JSON(required=True)

    @staticmethod
    def resolve_scheduled_at(root: Any, info: ResolveInfo) -> str | None:
        return iso(root.scheduled_at)

    @staticmethod
    def resolve_occurred_at(root: Any, info: ResolveInfo) -> str | None:
        return iso(root.occurred_at)
