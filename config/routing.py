"""WebSocket routes: GraphQL subscriptions at ``/graphql``, the Socket.IO rooms protocol at
``/socket.io/`` (docs/realtime.md). The consumers live in ``api.websocket``; the schema is given
here, where the root schema is assembled."""

from django.urls import URLPattern, re_path

from api.websocket.graphql_ws import GraphQLTransportWSConsumer
from api.websocket.socketio import SocketIOConsumer
from config.schema import schema

websocket_urlpatterns: list[URLPattern] = [
    re_path(r"^graphql/?$", GraphQLTransportWSConsumer.as_asgi(schema=schema.graphql_schema)),
    re_path(r"^socket\.io/?$", SocketIOConsumer.as_asgi()),
]
