"""``availability`` of events and encounters: whether they may be resolved now, and why not."""

from typing import Any

import graphene
from graphene import ResolveInfo

from api.graphql.rules.dataloaders import ObstaclesOf


class Obstacle(graphene.ObjectType):
    kind = graphene.String(required=True, description="prerequisite, blocked or condition")
    message = graphene.String(required=True)


class Availability(graphene.ObjectType):
    """Unmet prerequisites, blocking events that happened and availability conditions that are
    false: what completing or resolving refuses unless a GM forces it."""

    available = graphene.Boolean(required=True)
    obstacles = graphene.List(graphene.NonNull(Obstacle), required=True)

    @staticmethod
    def resolve_available(root: Any, info: ResolveInfo) -> bool:
        return not root

    @staticmethod
    def resolve_obstacles(root: Any, info: ResolveInfo) -> Any:
        return root


class WithAvailability:
    availability = graphene.Field(Availability, required=True)

    @staticmethod
    def resolve_availability(root: Any, info: ResolveInfo) -> Any:
        return ObstaclesOf.of(info).load(root)
