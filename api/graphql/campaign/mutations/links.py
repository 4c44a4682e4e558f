"""Link inputs and resolvers (the root fields are in api/graphql/campaign/schema.py)."""

from typing import Any

import graphene
from graphene import ResolveInfo

from api.graphql.campaign.access import actor
from api.graphql.campaign.mutations.factory import split, updater
from campaign.actions import links


class CreateLinkInput(graphene.InputObjectType):
    campaign_id = graphene.ID(description="Needed only to link on a branch other than main.")
    branch_id = graphene.ID()
    source_type = graphene.String(required=True)
    source_id = graphene.String(required=True)
    target_type = graphene.String(required=True)
    target_id = graphene.String(required=True)
    link_type = graphene.String(required=True)
    description = graphene.String()


class UpdateLinkInput(graphene.InputObjectType):
    branch_id = graphene.ID()
    expected_version = graphene.Float()
    link_type = graphene.String()
    description = graphene.String()


def create_link(root: None, info: ResolveInfo, input: dict[str, Any]) -> Any:
    """Links need no campaignId in the contract: the source entity's campaign is used."""
    data, options = split(input)
    campaign_id = data.pop("campaign_id", None) or links.campaign_of_endpoint(
        actor(info), data["source_type"], data["source_id"], options.get("branch_id")
    )
    return links.create_link(actor(info), campaign_id=campaign_id, data=data, **options)


update_link = updater("link_id", links.update_link)
