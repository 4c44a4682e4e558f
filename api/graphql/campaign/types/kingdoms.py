"""The Kingdom type."""

import graphene

from api.graphql.campaign.types.common import BranchScoped, VariableSchemaType
from api.graphql.rules.computed import WithComputedFields
from api.graphql.scalars import JSON


class Kingdom(BranchScoped, WithComputedFields, graphene.ObjectType):
    name = graphene.String(required=True)
    level = graphene.Int(required=True)
    variables = JSON(required=True)
    variable_schemas = graphene.List(graphene.NonNull(VariableSchemaType), required=True)
