"""The root GraphQL schema: each app contributes its Query and Mutation parts."""

import graphene

from api.graphql import schema as api_schema
from api.graphql.subscriptions import Subscription


class Query(*api_schema.QUERIES, graphene.ObjectType):  # type: ignore[misc]
    pass


class Mutation(*api_schema.MUTATIONS, graphene.ObjectType):  # type: ignore[misc]
    pass


schema = graphene.Schema(query=Query, mutation=Mutation, subscription=Subscription)
