"""Structure query resolvers (the root fields are in api/graphql/campaign/schema.py)."""

from typing import Any

from graphene import ResolveInfo

from api.graphql import answers
from api.graphql.campaign.access import readable
from api.graphql.paging import Page
from campaign.models import Structure
from kernel import cache_stats


def resolve_structures_by_settlement(
    root: None, info: ResolveInfo, page: Page, settlement_id: str, branch_id: str | None = None
) -> Any:
    settlement = readable(info, "settlement", settlement_id, "settlementId", branch_id)
    query = Structure.objects.filter(settlement=settlement).select_related("branch__campaign")
    return answers.remember(
        info,
        cache_stats.STRUCTURES,
        settlement.branch,
        settlement,
        lambda: page.cut(query.order_by("name", "pk")),
    )
