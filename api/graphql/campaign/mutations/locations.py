"""Location inputs and resolvers (the root fields are in api/graphql/campaign/schema.py)."""

from typing import Any

import graphene
from graphene import ResolveInfo

from api.graphql.campaign.access import actor
from api.graphql.campaign.mutations.factory import Versioning, created_under, updater, version_of
from api.graphql.scalars import GeoJSON
from campaign.actions import locations
from kernel.actor import Actor

RENAMES = {"parent_location_id": "parent_id"}


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


create_location = created_under("world_id", locations.create_location, RENAMES)


def update_the_location(
    who: Actor, *, location_id: Any, data: dict[str, Any], **options: Any
) -> Any:
    options.pop("branch_id", None)  # locations belong to the world, not to a branch
    return locations.update_location(who, location_id=location_id, data=data, **options)


update_location = updater("location_id", update_the_location, RENAMES)


def update_location_geometry(root: None, info: ResolveInfo, id: str, input: dict[str, Any]) -> Any:
    return locations.update_location(
        actor(info),
        location_id=id,
        data={"geometry": input["geo_json"]},
        expected_version=version_of(input.get("expected_version")),
        world_time=input.get("world_time"),
    )
