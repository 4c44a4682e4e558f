"""The Settlement type."""

from typing import Any

import graphene
from graphene import ResolveInfo

from api.graphql.campaign.dataloaders import KingdomById, StructuresBySettlement
from api.graphql.campaign.types.common import BranchScoped
from api.graphql.campaign.types.locations import Location, location_of
from api.graphql.dataloaders import then
from api.graphql.paging import paged_list
from api.graphql.rules.computed import WithComputedFields
from api.graphql.scalars import JSON

# A structure names its settlement and a settlement lists its structures: one of the two modules
# refers to the other by path.
STRUCTURE = "api.graphql.campaign.types.structures.Structure"


def point_coordinate(index: int) -> Any:
    """x/y/z of a settlement: its location's point coordinates, or null for a region."""

    def resolve(root: Any, info: ResolveInfo) -> Any:
        def pick(location: Any) -> float | None:
            geometry = location.geometry if location else None
            if not geometry or geometry.get("type") != "Point":
                return None
            coordinates = geometry["coordinates"]
            return coordinates[index] if len(coordinates) > index else None

        return then(location_of(root, info), pick)

    return resolve


class Settlement(BranchScoped, WithComputedFields, graphene.ObjectType):
    name = graphene.String(required=True)
    level = graphene.Int(required=True)
    kingdom_id = graphene.ID(required=True)
    location_id = graphene.ID(required=True)
    location = graphene.Field(Location, required=True)
    structures = paged_list(
        STRUCTURE,
        lambda root, info, page: StructuresBySettlement.for_page(info, page).load(root.pk),
    )
    variables = JSON(required=True)
    variable_schemas = JSON(
        required=True,
        description="Variable definitions, as JSON (the single-page app reads them as a leaf).",
    )
    owner_id = graphene.ID(required=True)
    x = graphene.Float(resolver=point_coordinate(0))
    y = graphene.Float(resolver=point_coordinate(1))
    z = graphene.Float(resolver=point_coordinate(2))

    resolve_location = staticmethod(location_of)

    @staticmethod
    def resolve_kingdom_id(root: Any, info: ResolveInfo) -> Any:
        return then(KingdomById.of(info).load(root.kingdom_id), lambda k: str(k.uid))

    @staticmethod
    def resolve_location_id(root: Any, info: ResolveInfo) -> str:
        return str(root.location_id)

    @staticmethod
    def resolve_owner_id(root: Any, info: ResolveInfo) -> str:
        return str(root.branch.campaign.owner_id)
