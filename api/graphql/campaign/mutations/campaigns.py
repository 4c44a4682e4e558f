"""Campaign inputs and resolvers, members included (the root fields are in
api/graphql/campaign/schema.py)."""

from typing import Any

import graphene
from graphene import ResolveInfo

from api.graphql.campaign.access import actor
from api.graphql.campaign.mutations.factory import Versioning, updater
from api.graphql.scalars import JSON, DateTime
from campaign.actions import campaigns
from kernel.actor import Actor


class CreateCampaignInput(graphene.InputObjectType):
    world_id = graphene.ID(required=True)
    name = graphene.String(required=True)
    settings = JSON()
    is_active = graphene.Boolean(default_value=True)
    current_world_time = DateTime(description="Where the main branch's clock starts.")


class UpdateCampaignInput(Versioning, graphene.InputObjectType):
    name = graphene.String()
    settings = JSON()
    is_active = graphene.Boolean()


class CampaignMemberInput(graphene.InputObjectType):
    campaign_id = graphene.ID(required=True)
    user_id = graphene.ID(required=True)
    role = graphene.String(required=True, description="GM, PLAYER or VIEWER.")


class RemoveCampaignMemberInput(graphene.InputObjectType):
    campaign_id = graphene.ID(required=True)
    user_id = graphene.ID(required=True)


def create_campaign(root: None, info: ResolveInfo, input: dict[str, Any]) -> Any:
    data = dict(input)
    return campaigns.create_campaign(
        actor(info),
        world_id=data.pop("world_id"),
        data=data,
        current_world_time=data.pop("current_world_time", None),
    )


def update_the_campaign(
    who: Actor, *, campaign_id: Any, data: dict[str, Any], **options: Any
) -> Any:
    """The campaign row is not branch-scoped: ``branchId`` and ``worldTime`` are accepted for
    compatibility and only the version check applies."""
    return campaigns.update_campaign(
        who, campaign_id=campaign_id, data=data, expected_version=options.get("expected_version")
    )


update_campaign = updater("campaign_id", update_the_campaign)


def delete_campaign(who: Actor, *, instance: Any) -> Any:
    return campaigns.delete_campaign(who, campaign_id=instance.pk)


def member(change: Any) -> Any:
    def resolve(root: None, info: ResolveInfo, input: dict[str, Any]) -> Any:
        return change(
            actor(info),
            campaign_id=input["campaign_id"],
            user_id=input["user_id"],
            role=input["role"],
        )

    return resolve


add_campaign_member = member(campaigns.add_member)
update_campaign_member = member(campaigns.update_member)


def remove_campaign_member(root: None, info: ResolveInfo, input: dict[str, Any]) -> bool:
    campaigns.remove_member(actor(info), campaign_id=input["campaign_id"], user_id=input["user_id"])
    return True
