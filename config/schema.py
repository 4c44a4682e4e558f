"""The root GraphQL schema: each app contributes its Query and Mutation parts."""

import graphene

from campaign.graphql import schema as campaign_schema


class Query(*campaign_schema.QUERIES, graphene.ObjectType):  # type: ignore[misc]
    pass


class Mutation(*campaign_schema.MUTATIONS, graphene.ObjectType):  # type: ignore[misc]
    pass


schema = graphene.Schema(query=Query, mutation=Mutation)
