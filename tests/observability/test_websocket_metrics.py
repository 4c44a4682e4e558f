"""The WebSocket consumers count their connections and room subscriptions for /metrics."""

import asyncio

import pytest
from channels.db import database_sync_to_async

from campaign.models import Campaign
from kernel.actor import Actor
from observability import metrics
from tests import builders
from tests.conftest import Personas
from tests.realtime.graphql_sockets import signed_in, subscribe

pytestmark = pytest.mark.django_db(transaction=True)

PROTOCOL = "graphql-transport-ws"
ENTITY_MODIFIED = "subscription ($id: ID!) { entityModified(entityId: $id) { entityId } }"
# Joining a group happens in the operation's task, after the subscribe message is handled.
SETTLE = 0.2


def gauges() -> tuple[float, float]:
    return (
        metrics.WEBSOCKET_CONNECTIONS.labels(PROTOCOL)._value.get(),
        metrics.SUBSCRIPTIONS.labels(PROTOCOL)._value.get(),
    )


async def test_a_connection_and_its_subscription_count_until_it_closes(
    owner: Actor, campaign: Campaign, personas: Personas
) -> None:
    settlement = await database_sync_to_async(
        lambda: builders.settlement(owner, builders.kingdom(owner, campaign))
    )()
    before = gauges()
    disconnects = metrics.WEBSOCKET_DISCONNECTS.labels(PROTOCOL, "client")._value.get()

    socket = await signed_in(personas.viewer)
    await subscribe(socket, "s1", ENTITY_MODIFIED, id=str(settlement.uid))
    await asyncio.sleep(SETTLE)
    during = gauges()
    await socket.close()

    assert during[0] == before[0] + 1
    assert during[1] > before[1]
    assert gauges() == before
    assert metrics.WEBSOCKET_DISCONNECTS.labels(PROTOCOL, "client")._value.get() == disconnects + 1
