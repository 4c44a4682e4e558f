"""The map's types: locations and settlements with their distance, GeoJSON features, overlaps."""

from collections.abc import Callable
from typing import Any

import graphene
from graphene import ResolveInfo

from api.graphql.scalars import JSON, DateTime, GeoJSON
from campaign.spatial.queries import LocationNear, SettlementNear


def of_location(read: Callable[[Any], Any]) -> Callable[[LocationNear, ResolveInfo], Any]:
    return lambda root, info: read(root.location)


def of_settlement(read: Callable[[Any], Any]) -> Callable[[SettlementNear, ResolveInfo], Any]:
    return lambda root, info: read(root.settlement)


def optional_id(value: Any) -> str | None:
    return str(value) if value is not None else None


class LocationWithDistance(graphene.ObjectType):
    """A location and its distance from the point asked about, in map units."""

    id = graphene.ID(required=True, resolver=of_location(lambda loc: str(loc.pk)))
    world_id = graphene.ID(required=True, resolver=of_location(lambda loc: str(loc.world_id)))
    type = graphene.String(required=True, resolver=of_location(lambda loc: loc.type))
    name = graphene.String(resolver=of_location(lambda loc: loc.name))
    description = graphene.String(resolver=of_location(lambda loc: loc.description))
    parent_location_id = graphene.ID(resolver=of_location(lambda loc: optional_id(loc.parent_id)))
    geojson = GeoJSON(resolver=of_location(lambda loc: loc.geometry))
    distance = graphene.Float(required=True, description="In map units.")
    created_at = DateTime(required=True, resolver=of_location(lambda loc: loc.created_at))
    updated_at = DateTime(required=True, resolver=of_location(lambda loc: loc.updated_at))


class SettlementWithDistance(graphene.ObjectType):
    """A settlement and the distance of its location from the point asked about, in map
    units. ``level`` is a string, as in the original contract."""

    id = graphene.ID(required=True, resolver=of_settlement(lambda s: str(s.uid)))
    name = graphene.String(resolver=of_settlement(lambda s: s.name))
    level = graphene.String(resolver=of_settlement(lambda s: str(s.level)))
    kingdom_id = graphene.ID(resolver=of_settlement(lambda s: str(s.kingdom.uid)))
    location_id = graphene.ID(required=True, resolver=of_settlement(lambda s: str(s.location_id)))
    campaign_id = graphene.ID(
        required=True, resolver=of_settlement(lambda s: str(s.branch.campaign_id))
    )
    branch_id = graphene.ID(required=True, resolver=of_settlement(lambda s: str(s.branch_id)))
    distance = graphene.Float(required=True, description="In map units.")
    created_at = DateTime(required=True, resolver=of_settlement(lambda s: s.created_at))
    updated_at = DateTime(required=True, resolver=of_settlement(lambda s: s.updated_at))


class GeoJSONFeature(graphene.ObjectType):
    """A location as a GeoJSON Feature: its id, geometry and properties ``name``, ``type`` and
    ``settlement`` ({id, name, level, kingdomId}) when a settlement stands there."""

    type = graphene.String(required=True)
    id = graphene.ID(required=True)
    geometry = GeoJSON(required=True)
    properties = JSON(required=True)


class GeoJSONFeatureCollection(graphene.ObjectType):
    type = graphene.String(required=True)
    features = graphene.List(graphene.NonNull(GeoJSONFeature), required=True)


class RegionOverlapResult(graphene.ObjectType):
    overlaps = graphene.Boolean(required=True)
    region1_id = graphene.ID(required=True)
    region2_id = graphene.ID(required=True)
