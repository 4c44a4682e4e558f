"""State variable inputs (the root fields are in api/graphql/rules/schema.py)."""

import graphene

from api.graphql.rules.types.enums import VariableScope, VariableType
from api.graphql.scalars import JSON


class CreateStateVariableInput(graphene.InputObjectType):
    scope = VariableScope(required=True)
    scope_id = graphene.ID(description="The world, campaign, location or entity.")
    campaign_id = graphene.ID(description="For a location variable: the campaign it belongs to.")
    branch_id = graphene.ID()
    key = graphene.String(required=True)
    type = VariableType(required=True)
    value = JSON(description="Required unless the variable is derived.")
    formula = JSON(description="JSONLogic; required for (and only for) a derived variable.")
    description = graphene.String()


class UpdateStateVariableInput(graphene.InputObjectType):
    expected_version = graphene.Int(description="Checked when given.")
    branch_id = graphene.ID()
    value = JSON()
    formula = JSON()
    description = graphene.String()
    is_active = graphene.Boolean()
