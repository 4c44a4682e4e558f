"""The HealthCheck type."""

import graphene

from api.graphql.scalars import DateTime


class HealthCheck(graphene.ObjectType):
    status = graphene.String(required=True)
    timestamp = DateTime(required=True)
    version = graphene.String()
