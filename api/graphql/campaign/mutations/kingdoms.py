"""Kingdom inputs and resolvers (the root fields are in api/graphql/campaign/schema.py)."""

import graphene

from api.graphql.campaign.mutations.factory import (
    TypedVariablesInput,
    Versioning,
    created_under,
    updater,
)
from campaign.actions import kingdoms


class CreateKingdomInput(TypedVariablesInput, graphene.InputObjectType):
    campaign_id = graphene.ID(required=True)
    branch_id = graphene.ID()
    name = graphene.String(required=True)
    level = graphene.Int(required=True, default_value=1)


class UpdateKingdomInput(TypedVariablesInput, Versioning, graphene.InputObjectType):
    name = graphene.String()
    level = graphene.Int()


create_kingdom = created_under("campaign_id", kingdoms.create_kingdom)
update_kingdom = updater("kingdom_id", kingdoms.update_kingdom)
