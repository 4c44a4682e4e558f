"""Campaign query resolvers, members included (the root fields are in
api/graphql/campaign/schema.py)."""

from typing import Any

from graphene import ResolveInfo

from api.graphql import answers
from api.graphql.campaign.access import actor, campaign_branch, get_or_none, readable
from api.graphql.paging import Page
from campaign.actions import entities
from campaign.models import Campaign, CampaignMembership
from campaign.permissions import MANAGE, readable_campaigns
from kernel import cache_stats


def resolve_campaigns(root: None, info: ResolveInfo, page: Page) -> Any:
    def load() -> list[Campaign]:
        query = readable_campaigns(actor(info)).filter(archived_at__isnull=True)
        return page.cut(query.order_by("name", "pk"))

    return answers.remember_own(info, cache_stats.CAMPAIGNS, load)


def resolve_campaign(root: None, info: ResolveInfo, id: str) -> Any:
    return get_or_none(info, "campaign", id)


def resolve_campaigns_by_world(root: None, info: ResolveInfo, world_id: str) -> Any:
    world = readable(info, "world", world_id, "worldId")
    query = readable_campaigns(actor(info)).filter(world=world, archived_at__isnull=True)
    return query.order_by("name", "pk")


def resolve_get_current_world_time(
    root: None, info: ResolveInfo, campaign_id: str, branch_id: str | None = None
) -> Any:
    return campaign_branch(info, campaign_id, branch_id).current_world_time


def resolve_campaign_members(root: None, info: ResolveInfo, campaign_id: str) -> Any:
    campaign = entities.load(
        actor(info), "campaign", campaign_id, minimum=MANAGE, field="campaignId"
    )
    query = CampaignMembership.objects.filter(campaign=campaign).select_related("user")
    return query.order_by("created_at", "pk")
