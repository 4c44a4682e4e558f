"""Structure query resolvers (the root fields are in api/graphql/campaign/schema.py)."""

from typing import Any

from graphene import ResolveInfo

from api.graphql import answers
from api.graphql.campaign.access import entity_parent
from api.graphql.paging import Page
from campaign.models import Settlement, Structure
from kernel import cache_stats


def resolve_structures_by_settlement(
    root: None, info: ResolveInfo, page: Page, settlement_id: str, branch_id: str | None = None
) -> Any:
    def load(settlement: Settlement) -> list[Structure]:
        query = Structure.objects.filter(settlement=settlement).select_related("branch__campaign")
        return page.cut(query.order_by("name", "pk"))

    settlement = entity_parent(info, "settlement", settlement_id, "settlementId", branch_id)
    return answers.remember(info, cache_stats.STRUCTURES, settlement, load)
