"""Kingdoms, settlements and structures."""

from typing import Any

import graphene
from graphene import ResolveInfo

from api.graphql.campaign.dataloaders import KingdomById, SettlementById, StructuresBySettlement
from api.graphql.campaign.types.common import BranchScoped, VariableSchemaType
from api.graphql.campaign.types.world import Location, location_of
from api.graphql.dataloaders import then
from api.graphql.rules.computed import WithComputedFields
from api.graphql.scalars import JSON


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


class Kingdom(BranchScoped, WithComputedFields, graphene.ObjectType):
    name = graphene.String(required=True)
    level = graphene.Int(required=True)
    variables = JSON(required=True)
    variable_schemas = graphene.List(graphene.NonNull(VariableSchemaType), required=True)


class Settlement(BranchScoped, WithComputedFields, graphene.ObjectType):
    name = graphene.String(required=True)
    level = graphene.Int(required=True)
    kingdom_id = graphene.ID(required=True)
    location_id = graphene.ID(required=True)
    location = graphene.Field(Location, required=True)
    structures = graphene.List(graphene.NonNull(lambda: Structure), required=True)
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
    def resolve_structures(root: Any, info: ResolveInfo) -> Any:
        return StructuresBySettlement.of(info).load(root.pk)

    @staticmethod
    def resolve_owner_id(root: Any, info: ResolveInfo) -> str:
        return str(root.branch.campaign.owner_id)


class Structure(BranchScoped, WithComputedFields, graphene.ObjectType):
    name = graphene.String(required=True)
    type = graphene.String(required=True)
    type_id = graphene.String(description="The same as `type`.")
    level = graphene.Int(required=True)
    settlement_id = graphene.ID(required=True)
    settlement = graphene.Field(Settlement)
    x = graphene.Float()
    y = graphene.Float()
    orientation = graphene.Float()
    variables = JSON(required=True)
    variable_schemas = JSON(required=True, description="Variable definitions, as JSON.")

    @staticmethod
    def resolve_type_id(root: Any, info: ResolveInfo) -> str:
        return root.type  # type: ignore[no-any-return]

    @staticmethod
    def resolve_settlement_id(root: Any, info: ResolveInfo) -> Any:
        return then(SettlementById.of(info).load(root.settlement_id), lambda s: str(s.uid))

    @staticmethod
    def resolve_settlement(root: Any, info: ResolveInfo) -> Any:
        return SettlementById.of(info).load(root.settlement_id)
