"""The tiny schema the graphql-transport-ws conformance scenarios assume
(tests/fixtures/graphql-transport-ws/conformance.json), served by our protocol consumer with
anonymous sockets allowed; ``application`` is what a daphne process serves for the scenarios."""

import asyncio
from collections.abc import AsyncIterator
from typing import Any

import django
import graphene

django.setup()

from api.websocket.graphql_ws import GraphQLTransportWSConsumer  # noqa: E402


class Query(graphene.ObjectType):
    hello = graphene.String()

    @staticmethod
    def resolve_hello(_root: None, _info: Any) -> str:
        return "world"


class Subscription(graphene.ObjectType):
    count = graphene.Int(to=graphene.Int(required=True))
    forever = graphene.Int()

    @staticmethod
    async def subscribe_count(_root: None, _info: Any, to: int) -> AsyncIterator[int]:
        for number in range(1, to + 1):
            yield number

    @staticmethod
    async def subscribe_forever(_root: None, _info: Any) -> AsyncIterator[int]:
        await asyncio.Event().wait()
        yield 0


schema = graphene.Schema(query=Query, subscription=Subscription)


class ConformanceConsumer(GraphQLTransportWSConsumer):
    require_authentication = False
    init_timeout = 0.3  # the file's server_config_assumed.connectionInitWaitTimeout_ms


application = ConformanceConsumer.as_asgi(schema=schema.graphql_schema)
