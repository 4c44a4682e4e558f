"""Worlds, campaigns (and their members), locations and branches."""

from typing import Any

import graphene
from graphene import ResolveInfo

from api.graphql.campaign.access import actor
from api.graphql.campaign.mutations.factory import (
    Versioning,
    create_and_update,
    life_cycle,
    object_type,
    split,
    version_of,
)
from api.graphql.campaign.types.history import Branch
from api.graphql.campaign.types.world import Campaign, CampaignMember, Location, World
from api.graphql.scalars import JSON, DateTime, GeoJSON
from campaign.actions import branches, campaigns, locations, worlds


class CreateWorldInput(graphene.InputObjectType):
    name = graphene.String(required=True)
    calendars = JSON(required=True)
    settings = JSON()


class UpdateWorldInput(graphene.InputObjectType):
    name = graphene.String()
    calendars = JSON()
    settings = JSON()
    expected_version = graphene.Float()


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


class CreateLocationInput(graphene.InputObjectType):
    world_id = graphene.String(required=True)
    type = graphene.String(required=True)
    name = graphene.String()
    description = graphene.String()
    parent_location_id = graphene.String()
    geometry = GeoJSON()


class UpdateLocationInput(Versioning, graphene.InputObjectType):
    type = graphene.String()
    name = graphene.String()
    description = graphene.String()
    parent_location_id = graphene.String()


class UpdateLocationGeometryInput(graphene.InputObjectType):
    branch_id = graphene.ID(description="Accepted for compatibility: locations have no branches.")
    expected_version = graphene.Int()
    world_time = graphene.String(description="ISO-8601 world time the new geometry holds from.")
    geo_json = GeoJSON(required=True)
    srid = graphene.Int(description="Ignored: map coordinates are planar.")


class CampaignMemberInput(graphene.InputObjectType):
    campaign_id = graphene.ID(required=True)
    user_id = graphene.ID(required=True)
    role = graphene.String(required=True, description="GM, PLAYER or VIEWER.")


class RemoveCampaignMemberInput(graphene.InputObjectType):
    campaign_id = graphene.ID(required=True)
    user_id = graphene.ID(required=True)


class CreateBranchInput(graphene.InputObjectType):
    campaign_id = graphene.ID(required=True)
    parent_id = graphene.ID(description="The branch to fork from; the main branch by default.")
    name = graphene.String(required=True)
    description = graphene.String()
    diverged_at = DateTime()
    is_pinned = graphene.Boolean()
    color = graphene.String()
    tags = graphene.List(graphene.NonNull(graphene.String))


class UpdateBranchInput(graphene.InputObjectType):
    name = graphene.String()
    description = graphene.String()
    is_pinned = graphene.Boolean()
    color = graphene.String()
    tags = graphene.List(graphene.NonNull(graphene.String))
    expected_version = graphene.Int()


LOCATION_RENAMES = {"parent_location_id": "parent_id"}


def create_world(root: None, info: ResolveInfo, input: dict[str, Any]) -> Any:
    return worlds.create_world(actor(info), dict(input))


def create_campaign(root: None, info: ResolveInfo, input: dict[str, Any]) -> Any:
    data = dict(input)
    return campaigns.create_campaign(
        actor(info),
        data.pop("world_id"),
        data,
        current_world_time=data.pop("current_world_time", None),
    )


def update_campaign(actor_: Any, campaign_id: Any, data: dict[str, Any], **options: Any) -> Any:
    """The campaign row is not branch-scoped: ``branchId`` and ``worldTime`` are accepted for
    compatibility and only the version check applies."""
    return campaigns.update_campaign(
        actor_, campaign_id, data, expected_version=options.get("expected_version")
    )


def update_world(actor_: Any, world_id: Any, data: dict[str, Any], **options: Any) -> Any:
    return worlds.update_world(actor_, world_id, data, **options)


def create_location(root: None, info: ResolveInfo, input: dict[str, Any]) -> Any:
    data, _ = split(input, LOCATION_RENAMES)
    return locations.create_location(actor(info), data.pop("world_id"), data)


def update_location(actor_: Any, location_id: Any, data: dict[str, Any], **options: Any) -> Any:
    options.pop("branch_id", None)  # locations belong to the world, not to a branch
    return locations.update_location(actor_, location_id, data, **options)


def update_location_geometry(root: None, info: ResolveInfo, id: str, input: dict[str, Any]) -> Any:
    return locations.update_location(
        actor(info),
        id,
        {"geometry": input["geo_json"]},
        expected_version=version_of(input.get("expected_version")),
        world_time=input.get("world_time"),
    )


def member(change: Any) -> Any:
    def resolve(root: None, info: ResolveInfo, input: dict[str, Any]) -> Any:
        return change(actor(info), input["campaign_id"], input["user_id"], input["role"])

    return resolve


def remove_member(root: None, info: ResolveInfo, input: dict[str, Any]) -> bool:
    campaigns.remove_member(actor(info), input["campaign_id"], input["user_id"])
    return True


def create_branch(root: None, info: ResolveInfo, input: dict[str, Any]) -> Any:
    data = dict(input)
    return branches.create_branch(
        actor(info), data.pop("campaign_id"), data.pop("parent_id", None), data
    )


def update_branch(root: None, info: ResolveInfo, id: str, input: dict[str, Any]) -> Any:
    data = dict(input)
    expected = data.pop("expected_version", None)
    return branches.update_branch(actor(info), id, data, expected_version=expected)


def delete_branch(root: None, info: ResolveInfo, id: str) -> bool:
    branches.delete_branch(actor(info), id)
    return True


WorldMutations = object_type(
    "WorldMutations",
    create_and_update(
        "world", World, create_world, CreateWorldInput, update_world, UpdateWorldInput
    ),
    create_and_update(
        "campaign",
        Campaign,
        create_campaign,
        CreateCampaignInput,
        update_campaign,
        UpdateCampaignInput,
    ),
    create_and_update(
        "location",
        Location,
        create_location,
        CreateLocationInput,
        update_location,
        UpdateLocationInput,
        renames=LOCATION_RENAMES,
    ),
    life_cycle(
        "world",
        World,
        with_branch=False,
        delete=lambda a, world: worlds.delete_world(a, world.pk),
    ),
    life_cycle(
        "campaign",
        Campaign,
        with_branch=False,
        delete=lambda a, campaign: campaigns.delete_campaign(a, campaign.pk),
    ),
    life_cycle("location", Location, with_branch=False),
    {
        "update_location_geometry": graphene.Field(
            Location,
            required=True,
            id=graphene.ID(required=True),
            input=UpdateLocationGeometryInput(required=True),
            resolver=update_location_geometry,
        ),
        "add_campaign_member": graphene.Field(
            CampaignMember,
            required=True,
            input=CampaignMemberInput(required=True),
            resolver=member(campaigns.add_member),
        ),
        "update_campaign_member": graphene.Field(
            CampaignMember,
            required=True,
            input=CampaignMemberInput(required=True),
            resolver=member(campaigns.update_member),
        ),
        "remove_campaign_member": graphene.Field(
            graphene.Boolean,
            required=True,
            input=RemoveCampaignMemberInput(required=True),
            resolver=remove_member,
        ),
        "create_branch": graphene.Field(
            Branch, required=True, input=CreateBranchInput(required=True), resolver=create_branch
        ),
        "update_branch": graphene.Field(
            Branch,
            required=True,
            id=graphene.ID(required=True),
            input=UpdateBranchInput(required=True),
            resolver=update_branch,
        ),
        "delete_branch": graphene.Field(
            graphene.Boolean,
            required=True,
            id=graphene.ID(required=True),
            resolver=delete_branch,
        ),
    },
)
