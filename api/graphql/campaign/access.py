"""How resolvers reach the domain: the request's actor, authorized loads, branch resolution."""

from typing import Any

from graphene import ResolveInfo

from api.graphql.addresses import Address
from api.graphql.answers import Parent
from campaign.actions import entities
from campaign.actions.kinds import KINDS
from campaign.models import Branch, Campaign
from campaign.permissions import READ
from kernel.actor import Actor
from kernel.errors import NotFound


def actor(info: ResolveInfo) -> Actor:
    return info.context.actor  # type: ignore[no-any-return]


def get_or_none(info: ResolveInfo, kind: str, entity_id: Any, branch_id: Any = None) -> Any:
    """The entity if the actor may read it; null when it is missing *or* hidden from them."""
    try:
        return entities.load(actor(info), kind, entity_id, branch_id=branch_id, minimum=READ)
    except NotFound:
        return None


def readable(
    info: ResolveInfo, kind: str, entity_id: Any, field: str, branch_id: Any = None
) -> Any:
    """The parent a list query hangs off; a hidden or missing one is NOT_FOUND."""
    return entities.load(
        actor(info), kind, entity_id, branch_id=branch_id, minimum=READ, field=field
    )


def campaign_branch(info: ResolveInfo, campaign_id: Any, branch_id: Any = None) -> Branch:
    campaign: Campaign = readable(info, "campaign", campaign_id, "campaignId")
    return entities.resolve_branch(actor(info), campaign, branch_id, READ)


# The parents of kept answers (api/graphql/answers.py): each found as ``readable`` or
# ``campaign_branch`` find it, and hidden from a reader as they hide it.


def entity_parent(
    info: ResolveInfo, kind: str, entity_id: Any, field: str, branch_id: Any = None
) -> Parent:
    def locate() -> tuple[Any, Address]:
        row = readable(info, kind, entity_id, field, branch_id)
        return row, Address.of_row(row, row.branch)

    return Parent(
        (kind, entity_id, branch_id),
        locate,
        lambda: NotFound.entity(KINDS[kind].entity_type, entity_id, field),
    )


def branch_parent(info: ResolveInfo, campaign_id: Any, branch_id: Any = None) -> Parent:
    def locate() -> tuple[Branch, Address]:
        branch = campaign_branch(info, campaign_id, branch_id)
        return branch, Address.of_row(branch, branch)

    return Parent(
        ("branch", campaign_id, branch_id),
        locate,
        lambda: NotFound.entity(KINDS["campaign"].entity_type, campaign_id, "campaignId"),
    )
