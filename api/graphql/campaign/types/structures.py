"""The Structure type."""

from typing import Any

import graphene
from graphene import ResolveInfo

from api.graphql.campaign.dataloaders import SettlementById
from api.graphql.campaign.types.common import BranchScoped
from api.graphql.campaign.types.settlements import Settlement
from api.graphql.dataloaders import then
from api.graphql.rules.computed import WithComputedFields
from api.graphql.scalars import JSON


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
