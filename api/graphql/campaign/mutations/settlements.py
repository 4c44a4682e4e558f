"""Settlement inputs and resolvers (the root fields are in api/graphql/campaign/schema.py)."""

import graphene

from api.graphql.campaign.mutations.factory import (
    TypedVariablesInput,
    Versioning,
    created_under,
    updater,
)
from campaign.actions import settlements


class CreateSettlementInput(TypedVariablesInput, graphene.InputObjectType):
    kingdom_id = graphene.ID(required=True)
    location_id = graphene.ID(required=True)
    branch_id = graphene.ID()
    name = graphene.String(required=True)
    level = graphene.Int(required=True, default_value=1)


class UpdateSettlementInput(TypedVariablesInput, Versioning, graphene.InputObjectType):
    name = graphene.String()
    level = graphene.Int()


create_settlement = created_under("kingdom_id", settlements.create_settlement)
update_settlement = updater("settlement_id", settlements.update_settlement)
