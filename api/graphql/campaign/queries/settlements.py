"""Settlement query resolvers (the root fields are in api/graphql/campaign/schema.py)."""

from typing import Any

from graphene import ResolveInfo

from api.graphql import answers
from api.graphql.campaign.access import actor, campaign_branch, entity_parent, get_or_none
from api.graphql.paging import Page
from campaign.models import Kingdom, Settlement
from campaign.permissions import readable_campaigns
from kernel import cache_stats


def resolve_settlements_by_kingdom(
    root: None, info: ResolveInfo, page: Page, kingdom_id: str, branch_id: str | None = None
) -> Any:
    def load(kingdom: Kingdom) -> list[Settlement]:
        settlements = page.cut(Settlement.objects.filter(kingdom=kingdom).order_by("name", "pk"))
        # Every row is of this kingdom and its branch: set them rather than join them on each.
        for settlement in settlements:
            settlement.kingdom = kingdom
            settlement.branch = kingdom.branch
        return settlements

    kingdom = entity_parent(info, "kingdom", kingdom_id, "kingdomId", branch_id)
    return answers.remember(info, cache_stats.SETTLEMENTS, kingdom, load)


def resolve_settlement_at_location(
    root: None,
    info: ResolveInfo,
    location_id: str,
    campaign_id: str | None = None,
    branch_id: str | None = None,
) -> Any:
    """The live settlement at a location, among the campaigns the user can read."""
    location = get_or_none(info, "location", location_id)
    if location is None:
        return None
    query = Settlement.objects.filter(
        location=location, branch__campaign__in=readable_campaigns(actor(info))
    )
    if campaign_id is not None:
        query = query.filter(branch=campaign_branch(info, campaign_id, branch_id))
    else:
        query = query.filter(branch__parent__isnull=True)
    return query.select_related("branch__campaign").order_by("created_at").first()
