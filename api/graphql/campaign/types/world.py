from typing import Any

import graphene
from graphene import ResolveInfo

from api.graphql.campaign.dataloaders import LocationById, MainBranchByCampaign
from api.graphql.campaign.types.common import EntityFields, Versioned
from api.graphql.dataloaders import then
from api.graphql.scalars import JSON, DateTime, GeoJSON
from kernel.snapshots import iso


class World(EntityFields, Versioned, graphene.ObjectType):
    name = graphene.String(required=True)
    calendars = JSON(required=True)
    settings = JSON(required=True)
    owner_id = graphene.ID(required=True)


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
