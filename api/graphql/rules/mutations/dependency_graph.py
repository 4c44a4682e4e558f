"""Invalidating a branch's dependency graph (the root field is in api/graphql/rules/schema.py)."""

from graphene import ResolveInfo

from api.graphql.rules.mutations.factory import caller
from campaign.actions import entities
from campaign.permissions import WRITE
from kernel import generations


def invalidate_dependency_graph(
    root: None, info: ResolveInfo, campaign_id: str, branch_id: str = "main"
) -> bool:
    """Start the branch's cached rule results afresh (GM or owner)."""
    who = caller(info)
    campaign = entities.load(who, "campaign", campaign_id, minimum=WRITE, field="campaignId")
    branch = entities.resolve_branch(
        who, campaign, None if branch_id == "main" else branch_id, WRITE
    )
    generations.bump(campaign.pk, branch.pk)
    return True
