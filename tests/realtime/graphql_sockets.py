"""Open a graphql-transport-ws socket on the project's ASGI application, as Apollo's
GraphQLWsLink does, and subscribe on it."""

from typing import Any

from campaign.auth import tokens
from campaign.models import User
from config.asgi import application
from tests.realtime.sockets import CommunicatorSocket

SUBPROTOCOL = "graphql-transport-ws"


async def opened(payload: dict[str, Any] | None = None) -> CommunicatorSocket:
    socket = CommunicatorSocket(application, "/graphql", [SUBPROTOCOL])
    await socket.open()
    if payload is not None:
        await socket.send_json({"type": "connection_init", "payload": payload})
    return socket


async def signed_in(user: User, token: str | None = None) -> CommunicatorSocket:
    """A socket acknowledged for ``user`` (with ``token``, by default a fresh one)."""
    token = token or tokens.issue_access_token(user)
    socket = await opened({"authorization": f"Bearer {token}"})
    assert await socket.receive_json() == {"type": "connection_ack"}
    return socket


async def subscribe(
    socket: CommunicatorSocket, operation_id: str, query: str, **variables: Any
) -> None:
    await socket.send_json(
        {
            "id": operation_id,
            "type": "subscribe",
            "payload": {"query": query, "variables": variables},
        }
    )
