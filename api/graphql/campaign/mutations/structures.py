"""Structure inputs and resolvers (the root fields are in api/graphql/campaign/schema.py)."""

import graphene

from api.graphql.campaign.mutations.factory import (
    TypedVariablesInput,
    Versioning,
    created_under,
    updater,
)
from campaign.actions import structures


class CreateStructureInput(TypedVariablesInput, graphene.InputObjectType):
    settlement_id = graphene.ID(required=True)
    branch_id = graphene.ID()
    name = graphene.String(required=True)
    type = graphene.String(required=True)
    level = graphene.Int(required=True, default_value=1)
    x = graphene.Float()
    y = graphene.Float()
    orientation = graphene.Float()


class UpdateStructureInput(TypedVariablesInput, Versioning, graphene.InputObjectType):
    name = graphene.String()
    type = graphene.String()
    level = graphene.Int()
    x = graphene.Float()
    y = graphene.Float()
    orientation = graphene.Float()


create_structure = created_under("settlement_id", structures.create_structure)
update_structure = updater("structure_id", structures.update_structure)
