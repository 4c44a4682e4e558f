"""The map's inputs and query resolvers (the root fields are in api/graphql/campaign/schema.py):
each translates its arguments for ``campaign.spatial.queries``."""

from typing import Any

import graphene
from graphene import ResolveInfo

from api.graphql.campaign.access import actor
from api.graphql.limits import MAX_MAP_FEATURES
from api.graphql.paging import Page
from campaign.spatial import queries, shapes

SRID = "Accepted for compatibility and ignored: map coordinates are planar map units."


class PointInput(graphene.InputObjectType):
    longitude = graphene.Float(required=True, description="x, in map units.")
    latitude = graphene.Float(required=True, description="y, in map units.")


class LocationsNearInput(graphene.InputObjectType):
    point = graphene.Field(PointInput, required=True)
    radius = graphene.Float(required=True, description="In map units; greater than 0.")
    srid = graphene.Int(description=SRID)
    world_id = graphene.ID(description="Every world the caller reads by default.")


class SettlementsNearInput(LocationsNearInput):
    campaign_id = graphene.ID(
        description="The campaign whose settlements to find; by default the main branches of "
        "every campaign the caller reads."
    )
    branch_id = graphene.ID(description="The branch to read; the campaign's main by default.")


class BoundingBoxInput(graphene.InputObjectType):
    west = graphene.Float(required=True, description="Least x, in map units.")
    south = graphene.Float(required=True, description="Least y.")
    east = graphene.Float(required=True, description="Greatest x.")
    north = graphene.Float(required=True, description="Greatest y.")


class MapFilterInput(graphene.InputObjectType):
    location_types = graphene.List(graphene.NonNull(graphene.String), description="point, region")
    entity_types = graphene.List(
        graphene.NonNull(graphene.String),
        description="location (places without a settlement), settlement (places with one)",
    )
    available_only = graphene.Boolean(description="Not supported: must be null or false.")
    tags = graphene.List(
        graphene.NonNull(graphene.String), description="Not supported: must be null or empty."
    )


def _circle(input: dict[str, Any]) -> shapes.Circle:
    point = input["point"]
    return shapes.circle(point["longitude"], point["latitude"], input["radius"])


def resolve_locations_near(root: None, info: ResolveInfo, page: Page, input: dict[str, Any]) -> Any:
    return page.cut(
        queries.locations_near(
            actor(info), circle=_circle(input), world_id=input.get("world_id"), limit=page.stop
        )
    )


def resolve_settlements_near(
    root: None, info: ResolveInfo, page: Page, input: dict[str, Any]
) -> Any:
    return page.cut(
        queries.settlements_near(
            actor(info),
            circle=_circle(input),
            world_id=input.get("world_id"),
            campaign_id=input.get("campaign_id"),
            branch_id=input.get("branch_id"),
            limit=page.stop,
        )
    )


def resolve_locations_in_region(
    root: None, info: ResolveInfo, page: Page, region_id: str, world_id: str | None = None
) -> Any:
    return page.cut(
        queries.locations_in_region(
            actor(info), region_id=region_id, world_id=world_id, limit=page.stop
        )
    )


def resolve_settlements_in_region(
    root: None,
    info: ResolveInfo,
    page: Page,
    region_id: str,
    world_id: str | None = None,
    campaign_id: str | None = None,
    branch_id: str | None = None,
) -> Any:
    return page.cut(
        queries.settlements_in_region(
            actor(info),
            region_id=region_id,
            world_id=world_id,
            campaign_id=campaign_id,
            branch_id=branch_id,
            limit=page.stop,
        )
    )


def resolve_check_region_overlap(
    root: None, info: ResolveInfo, region1_id: str, region2_id: str
) -> dict[str, Any]:
    overlaps = queries.check_region_overlap(
        actor(info), region1_id=region1_id, region2_id=region2_id
    )
    return {"overlaps": overlaps, "region1_id": region1_id, "region2_id": region2_id}


def resolve_map_layer(
    root: None,
    info: ResolveInfo,
    world_id: str,
    bbox: dict[str, Any],
    filters: dict[str, Any] | None = None,
    campaign_id: str | None = None,
    branch_id: str | None = None,
) -> dict[str, Any]:
    box = shapes.viewport(bbox["west"], bbox["south"], bbox["east"], bbox["north"])
    wanted = filters or {}
    features = queries.map_layer(
        actor(info),
        world_id=world_id,
        box=box,
        filters=queries.map_filter(
            wanted.get("location_types"),
            wanted.get("entity_types"),
            wanted.get("available_only"),
            wanted.get("tags"),
        ),
        campaign_id=campaign_id,
        branch_id=branch_id,
        limit=MAX_MAP_FEATURES,
    )
    return {"type": "FeatureCollection", "features": features}
