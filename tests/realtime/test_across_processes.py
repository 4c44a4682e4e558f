"""Real servers: python-socketio's AsyncClient (the wire protocol socket.io-client v4 speaks)
against a daphne process, and two daphne processes on one Redis channel layer, where a client on
one hears of a mutation served by the other."""

import pytest

from campaign.auth import tokens
from campaign.models import Campaign, Settlement
from kernel.actor import Actor
from tests import builders
from tests.conftest import Personas
from tests.realtime.processes import EventClient, database_env, rename_settlement
from tests.realtime.servers import daphne

APP = "config.asgi:application"
pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


@pytest.fixture
def settlement(owner: Actor, campaign: Campaign) -> Settlement:
    return builders.settlement(owner, builders.kingdom(owner, campaign))


async def test_a_socketio_client_hears_of_a_mutation_on_the_same_server(
    settlement: Settlement, campaign: Campaign, personas: Personas
) -> None:
    with daphne(APP, database_env()) as server:
        address = server.address
        client = EventClient()
        await client.connect(address, tokens.issue_access_token(personas.viewer))
        assert await client.subscribe("settlement", str(settlement.uid)) == {"success": True}

        answer = await rename_settlement(
            address, tokens.issue_access_token(personas.owner), str(settlement.uid), "Tuskwater"
        )

        assert answer == {"data": {"updateSettlement": {"version": 2}}}
        name, event = await client.next_event()
        assert name == "settlement_updated"
        assert event["payload"]["settlementId"] == str(settlement.uid)
        assert event["payload"]["changedFields"] == ["name"]
        await client.close()


@pytest.mark.redis
async def test_an_event_reaches_a_client_on_another_replica(
    settlement: Settlement, campaign: Campaign, personas: Personas
) -> None:
    env = database_env()
    with daphne(APP, env) as listening, daphne(APP, env) as serving:
        client = EventClient()
        await client.connect(listening.address, tokens.issue_access_token(personas.viewer))
        await client.subscribe("campaign", str(campaign.pk))

        await rename_settlement(
            serving.address,
            tokens.issue_access_token(personas.owner),
            str(settlement.uid),
            "Tuskwater",
        )

        name, event = await client.next_event()
        assert name == "settlement_updated"
        assert event["payload"]["campaignId"] == str(campaign.pk)
        await client.close()
