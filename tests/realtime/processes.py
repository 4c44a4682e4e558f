"""What tests against real daphne processes share: the environment that points a server at the
test database, a socket.io-client (python-socketio's AsyncClient) that collects events, and a
GraphQL mutation sent over HTTP."""

import asyncio
from typing import Any

import aiohttp
import socketio
from django.db import connection

NAMESPACE = "/graphql"
EVENT_NAMES = (
    "entity_updated",
    "settlement_updated",
    "structure_updated",
    "world_time_changed",
    "state_invalidated",
)
RENAME_SETTLEMENT = """
mutation($id: ID!, $name: String!) { updateSettlement(id: $id, input: {name: $name}) { version } }
"""


def database_env() -> dict[str, str]:
    """DATABASE_URL of the database this test run writes to (PostgreSQL)."""
    s = connection.settings_dict
    return {
        "DATABASE_URL": f"postgres://{s['USER']}:{s['PASSWORD']}@{s['HOST']}:{s['PORT']}/{s['NAME']}"
    }


class EventClient:
    """A socket.io-client on namespace /graphql, as the SPA connects, queueing what it hears."""

    def __init__(self) -> None:
        self.client = socketio.AsyncClient(reconnection=False)
        self.events: asyncio.Queue[tuple[str, dict[str, Any]]] = asyncio.Queue()
        for name in EVENT_NAMES:
            self.client.on(name, self._collector(name), namespace=NAMESPACE)

    def _collector(self, name: str) -> Any:
        async def collect(data: dict[str, Any]) -> None:
            await self.events.put((name, data))

        return collect

    async def connect(self, address: str, token: str) -> None:
        await self.client.connect(
            f"http://{address}",
            namespaces=[NAMESPACE],
            transports=["websocket"],
            auth={"token": token},
            wait_timeout=10,
        )

    async def subscribe(self, kind: str, entity_id: str) -> Any:
        return await self.client.call(
            f"subscribe_{kind}",
            {"type": f"subscribe_{kind}", f"{kind}Id": entity_id},
            namespace=NAMESPACE,
            timeout=10,
        )

    async def next_event(self, timeout: float = 10) -> tuple[str, dict[str, Any]]:
        return await asyncio.wait_for(self.events.get(), timeout)

    async def close(self) -> None:
        await self.client.disconnect()


async def rename_settlement(address: str, token: str, settlement_id: str, name: str) -> Any:
    async with (
        aiohttp.ClientSession() as session,
        session.post(
            f"http://{address}/graphql",
            json={"query": RENAME_SETTLEMENT, "variables": {"id": settlement_id, "name": name}},
            headers={"Authorization": f"Bearer {token}"},
        ) as response,
    ):
        return await response.json()
