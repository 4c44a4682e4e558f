"""Field condition inputs (the root fields are in api/graphql/rules/schema.py)."""

import graphene

from api.graphql.scalars import JSON


class CreateFieldConditionInput(graphene.InputObjectType):
    entity_type = graphene.String(required=True, description="settlement, structure, … (any case)")
    entity_id = graphene.ID(description="Null: every entity of the type (then campaignId).")
    campaign_id = graphene.ID(description="The campaign of a condition for a whole type.")
    branch_id = graphene.ID()
    field = graphene.String(required=True)
    expression = JSON(required=True)
    description = graphene.String()
    priority = graphene.Int(required=True, default_value=0)
    is_active = graphene.Boolean()


class UpdateFieldConditionInput(graphene.InputObjectType):
    expected_version = graphene.Int(required=True)
    branch_id = graphene.ID()
    expression = JSON()
    description = graphene.String()
    priority = graphene.Int()
    is_active = graphene.Boolean()
