from typing import Any

import graphene
from django.utils import timezone
from graphene import ResolveInfo

from api.graphql.campaign.access import actor, campaign_branch, capped, get_or_none, readable
from api.graphql.campaign.types.history import HealthCheck
from api.graphql.campaign.types.world import Campaign, Location, World
from api.graphql.scalars import DateTime
from campaign.models import Campaign as CampaignModel
from campaign.models import Location as LocationModel
from campaign.models import World as WorldModel
from campaign.permissions import readable_campaigns, readable_worlds
from kernel.errors import AuthenticationError

API_VERSION = "1.0.0"


def visible_campaigns(info: ResolveInfo) -> Any:
    return readable_campaigns(actor(info))


class WorldQueries(graphene.ObjectType):
    health = graphene.Field(HealthCheck, required=True)
    worlds = graphene.List(graphene.NonNull(World), required=True)
    world = graphene.Field(World, id=graphene.ID(required=True))
    campaigns = graphene.List(graphene.NonNull(Campaign), required=True)
    campaign = graphene.Field(Campaign, id=graphene.ID(required=True))
    campaigns_by_world = graphene.List(
        graphene.NonNull(Campaign), required=True, world_id=graphene.ID(required=True)
    )
    get_current_world_time = DateTime(
        campaign_id=graphene.ID(required=True), branch_id=graphene.ID()
    )
    location = graphene.Field(Location, id=graphene.ID(required=True))
    locations_by_world = graphene.List(
        graphene.NonNull(Location), required=True, world_id=graphene.ID(required=True)
    )
    locations_by_parent = graphene.List(
        graphene.NonNull(Location), required=True, parent_location_id=graphene.ID(required=True)
    )

    @staticmethod
    def resolve_health(root: None, info: ResolveInfo) -> dict[str, Any]:
        """The readiness /health/ reports: "ok", or "unavailable" when a dependency is down."""
        status = info.context.readiness.status
        return {"status": status, "timestamp": timezone.now(), "version": API_VERSION}

    @staticmethod
    def resolve_worlds(root: None, info: ResolveInfo) -> list[WorldModel]:
        """Worlds the user created, and the worlds of their campaigns (only its campaign's world
        for a campaign-restricted API key)."""
        who = actor(info)
        if who.user is None and not who.is_system:
            raise AuthenticationError("Authentication required")
        query = readable_worlds(who).filter(archived_at__isnull=True)
        return capped(query.order_by("name", "pk"))

    @staticmethod
    def resolve_world(root: None, info: ResolveInfo, id: str) -> Any:
        return get_or_none(info, "world", id)

    @staticmethod
    def resolve_campaigns(root: None, info: ResolveInfo) -> list[CampaignModel]:
        return capped(visible_campaigns(info).unarchived().order_by("name", "pk"))

    @staticmethod
    def resolve_campaign(root: None, info: ResolveInfo, id: str) -> Any:
        return get_or_none(info, "campaign", id)

    @staticmethod
    def resolve_campaigns_by_world(root: None, info: ResolveInfo, world_id: str) -> Any:
        world = readable(info, "world", world_id, "worldId")
        query = visible_campaigns(info).filter(world=world).unarchived()
        return capped(query.order_by("name", "pk"))

    @staticmethod
    def resolve_get_current_world_time(
        root: None, info: ResolveInfo, campaign_id: str, branch_id: str | None = None
    ) -> Any:
        return campaign_branch(info, campaign_id, branch_id).current_world_time

    @staticmethod
    def resolve_location(root: None, info: ResolveInfo, id: str) -> Any:
        return get_or_none(info, "location", id)

    @staticmethod
    def resolve_locations_by_world(root: None, info: ResolveInfo, world_id: str) -> Any:
        world = readable(info, "world", world_id, "worldId")
        query = LocationModel.objects.filter(world=world).unarchived()
        return capped(query.order_by("name", "pk"))

    @staticmethod
    def resolve_locations_by_parent(root: None, info: ResolveInfo, parent_location_id: str) -> Any:
        parent = readable(info, "location", parent_location_id, "parentLocationId")
        query = LocationModel.objects.filter(parent=parent).unarchived()
        return capped(query.order_by("name", "pk"))
