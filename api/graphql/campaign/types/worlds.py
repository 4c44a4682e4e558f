"""The World type."""

import graphene

from api.graphql.campaign.types.common import EntityFields, Versioned
from api.graphql.scalars import JSON


class World(EntityFields, Versioned, graphene.ObjectType):
    name = graphene.String(required=True)
    calendars = JSON(required=True)
    settings = JSON(required=True)
    owner_id = graphene.ID(required=True)
