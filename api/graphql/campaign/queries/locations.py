"""Location query resolvers (the root fields are in api/graphql/campaign/schema.py)."""

from typing import Any

from graphene import ResolveInfo

from api.graphql.campaign.access import get_or_none, readable
from campaign.models import Location


def resolve_location(root: None, info: ResolveInfo, id: str) -> Any:
    return get_or_none(info, "location", id)


def resolve_locations_by_world(root: None, info: ResolveInfo, world_id: str) -> Any:
    world = readable(info, "world", world_id, "worldId")
    return Location.objects.filter(world=world).unarchived().order_by("name", "pk")


def resolve_locations_by_parent(root: None, info: ResolveInfo, parent_location_id: str) -> Any:
    parent = readable(info, "location", parent_location_id, "parentLocationId")
    return Location.objects.filter(parent=parent).unarchived().order_by("name", "pk")
