"""The Party type."""

import graphene

from api.graphql.campaign.dataloaders import MembersByParty
from api.graphql.campaign.types.characters import Character
from api.graphql.campaign.types.common import BranchScoped, VariableSchemaType
from api.graphql.paging import paged_list
from api.graphql.rules.computed import WithComputedFields
from api.graphql.scalars import JSON


class Party(BranchScoped, WithComputedFields, graphene.ObjectType):
    name = graphene.String(required=True)
    average_level = graphene.Int()
    manual_level_override = graphene.Int()
    level = graphene.Int(description="The manual override if set, else the average level.")
    variables = JSON(required=True)
    variable_schemas = graphene.List(graphene.NonNull(VariableSchemaType), required=True)
    members = paged_list(
        Character, lambda root, info, page: MembersByParty.for_page(info, page).load(root.pk)
    )
