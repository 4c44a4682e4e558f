"""The Location type, and how the entities that stand on a location name it."""

from typing import Any

import graphene
from graphene import ResolveInfo

from api.graphql.campaign.dataloaders import LocationById
from api.graphql.campaign.types.common import EntityFields, Versioned
from api.graphql.scalars import GeoJSON


class Location(EntityFields, Versioned, graphene.ObjectType):
    world_id = graphene.ID(required=True)
    type = graphene.String(required=True)
    name = graphene.String()
    description = graphene.String()
    parent_location_id = graphene.ID()
    geojson = GeoJSON()

    @staticmethod
    def resolve_parent_location_id(root: Any, info: ResolveInfo) -> str | None:
        return str(root.parent_id) if root.parent_id else None

    @staticmethod
    def resolve_geojson(root: Any, info: ResolveInfo) -> Any:
        return root.geometry


def location_of(root: Any, info: ResolveInfo) -> Any:
    return LocationById.of(info).load(root.location_id) if root.location_id else None


def location_id_of(root: Any, info: ResolveInfo) -> str | None:
    return str(root.location_id) if root.location_id else None
