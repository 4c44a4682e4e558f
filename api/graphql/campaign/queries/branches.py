"""Branch query resolvers (the root fields are in api/graphql/campaign/schema.py)."""

from typing import Any

from graphene import ResolveInfo

from api.graphql.campaign.access import actor, readable
from campaign.actions.branches import load_branch
from campaign.models import Branch
from campaign.permissions import READ
from kernel.errors import NotFound


def hierarchy(branches: list[Branch]) -> list[dict[str, Any]]:
    children: dict[Any, list[Branch]] = {}
    for branch in branches:
        children.setdefault(branch.parent_id, []).append(branch)

    def node(branch: Branch) -> dict[str, Any]:
        return {"branch": branch, "children": [node(c) for c in children.get(branch.pk, [])]}

    return [node(root) for root in children.get(None, [])]


def resolve_branch(root: None, info: ResolveInfo, id: str) -> Any:
    try:
        return load_branch(actor(info), id, READ)
    except NotFound:
        return None


def resolve_branches(root: None, info: ResolveInfo, campaign_id: str) -> Any:
    campaign = readable(info, "campaign", campaign_id, "campaignId")
    return Branch.objects.filter(campaign=campaign).order_by("created_at", "pk")


def resolve_branch_hierarchy(root: None, info: ResolveInfo, campaign_id: str) -> Any:
    campaign = readable(info, "campaign", campaign_id, "campaignId")
    return hierarchy(list(Branch.objects.filter(campaign=campaign).order_by("created_at")))
