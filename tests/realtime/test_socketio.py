"""The Socket.IO rooms protocol at /socket.io/, packet by packet as socket.io-client sends it:
namespaces, auth in the connect packet, subscribe/unsubscribe with acks, room membership checked
through the campaign, each event once per client, bad input answered without a crash."""

import asyncio

import engineio.packet as eio
import pytest
import socketio.packet as sio
from channels.db import database_sync_to_async
from django.test import Client

from campaign.actions import campaigns, settlements, structures
from campaign.models import Campaign
from kernel.actor import Actor
from tests import builders
from tests.conftest import Personas
from tests.realtime.scenarios import Closed
from tests.realtime.socketio_sockets import SocketIOSocket, signed_in

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def scene(owner: Actor, campaign: Campaign) -> tuple[Campaign, object, object]:
    settlement = builders.settlement(owner, builders.kingdom(owner, campaign))
    return campaign, settlement, builders.structure(owner, settlement)


async def test_the_handshake_offers_only_the_websocket_transport() -> None:
    client = SocketIOSocket()

    handshake = await client.open()

    assert handshake["upgrades"] == []
    assert handshake["pingInterval"] == 25000
    await client.close()


async def test_a_namespace_without_a_token_is_refused_in_a_connect_error() -> None:
    client = SocketIOSocket()
    await client.open()

    answer = await client.connect(None)

    assert answer.packet_type == sio.CONNECT_ERROR
    assert answer.data == {"message": "An access token is required"}
    await client.close()


async def test_an_unknown_namespace_is_refused(personas: Personas) -> None:
    client = SocketIOSocket()
    await client.open()

    answer = await client.connect("whatever", namespace="/events")

    assert answer.packet_type == sio.CONNECT_ERROR
    assert answer.data == {"message": "Invalid namespace"}
    await client.close()


@pytest.mark.parametrize("persona", ["owner", "gm", "player", "viewer"])
async def test_members_join_every_room_of_their_campaign(
    persona: str, personas: Personas, scene: tuple[Campaign, object, object]
) -> None:
    campaign, settlement, structure = scene
    client = await signed_in(getattr(personas, persona))

    answers = [
        await client.emit(
            "subscribe_campaign", {"type": "subscribe_campaign", "campaignId": str(campaign.pk)}
        ),
        await client.emit(
            "subscribe_settlement",
            {"type": "subscribe_settlement", "settlementId": str(settlement.uid)},  # type: ignore[attr-defined]
        ),
        await client.emit(
            "subscribe_structure",
            {"type": "subscribe_structure", "structureId": str(structure.uid)},  # type: ignore[attr-defined]
        ),
    ]

    assert answers == [{"success": True}] * 3
    await client.close()


@pytest.mark.parametrize("kind", ["campaign", "settlement", "structure"])
async def test_a_non_member_joins_no_room(
    kind: str, personas: Personas, scene: tuple[Campaign, object, object]
) -> None:
    campaign, settlement, structure = scene
    entity_id = {
        "campaign": campaign.pk,
        "settlement": settlement.uid,  # type: ignore[attr-defined]
        "structure": structure.uid,  # type: ignore[attr-defined]
    }[kind]
    client = await signed_in(personas.outsider)

    answer = await client.emit(f"subscribe_{kind}", {f"{kind}Id": str(entity_id)})

    assert answer["success"] is False
    assert "not found" in answer["error"]
    await client.close()


async def test_a_malformed_id_is_refused_naming_the_field(personas: Personas) -> None:
    client = await signed_in(personas.viewer)

    answer = await client.emit("subscribe_settlement", {"settlementId": "  "})

    assert answer["success"] is False
    assert "settlementId" in answer["error"]
    await client.close()


async def test_a_client_in_three_rooms_hears_each_event_once(
    owner: Actor, personas: Personas, scene: tuple[Campaign, object, object]
) -> None:
    campaign, settlement, structure = scene
    client = await signed_in(personas.viewer)
    await client.emit("subscribe_campaign", {"campaignId": str(campaign.pk)})
    await client.emit("subscribe_settlement", {"settlementId": str(settlement.uid)})  # type: ignore[attr-defined]
    await client.emit("subscribe_structure", {"structureId": str(structure.uid)})  # type: ignore[attr-defined]

    await database_sync_to_async(structures.update_structure)(
        owner,
        structure_id=structure.uid,  # type: ignore[attr-defined]
        data={"name": "Shrine of Erastil"},
    )

    name, event = await client.event()
    assert name == "structure_updated"
    assert set(event) == {"eventId", "type", "timestamp", "payload", "metadata"}
    assert event["payload"]["structureId"] == str(structure.uid)  # type: ignore[attr-defined]
    assert event["payload"]["settlementId"] == str(settlement.uid)  # type: ignore[attr-defined]
    assert event["payload"]["campaignId"] == str(campaign.pk)
    assert await client.nothing_within(0.3)
    await client.close()


async def test_after_unsubscribing_the_room_is_silent(
    owner: Actor, personas: Personas, scene: tuple[Campaign, object, object]
) -> None:
    _, settlement, _ = scene
    settlement_id = str(settlement.uid)  # type: ignore[attr-defined]
    client = await signed_in(personas.viewer)
    await client.emit("subscribe_settlement", {"settlementId": settlement_id})

    answer = await client.emit("unsubscribe_settlement", {"settlementId": settlement_id})
    await database_sync_to_async(settlements.update_settlement)(
        owner, settlement_id=settlement_id, data={"name": "Tuskwater"}
    )

    assert answer == {"success": True}
    assert await client.nothing_within(0.3)
    await client.close()


async def test_a_revoked_member_is_disconnected_from_the_namespace(
    owner: Actor, personas: Personas, campaign: Campaign
) -> None:
    client = await signed_in(personas.player)
    await client.emit("subscribe_campaign", {"campaignId": str(campaign.pk)})

    await database_sync_to_async(campaigns.remove_member)(
        owner, campaign_id=campaign.pk, user_id=personas.player.pk
    )

    name, _ = await client.event()
    assert name == "entity_updated"
    disconnect = await client.receive_packet()
    assert disconnect.packet_type == sio.DISCONNECT
    assert disconnect.namespace == "/graphql"
    await client.close()


async def test_an_unknown_event_is_acknowledged_as_a_failure(personas: Personas) -> None:
    client = await signed_in(personas.viewer)

    answer = await client.emit("subscribe_everything", {})

    assert answer == {"success": False, "error": "Unknown event 'subscribe_everything'"}
    await client.close()


@pytest.mark.parametrize("frame", ["4x", "42/graphql,1[not json", "4zzz", "x" * 70_000])
async def test_a_malformed_frame_closes_only_its_socket(frame: str, personas: Personas) -> None:
    client = await signed_in(personas.viewer)

    await client.socket.send_text(frame)

    with pytest.raises(Closed):
        await client.socket.receive_text(5)


async def test_the_server_answers_a_client_ping(personas: Personas) -> None:
    client = await signed_in(personas.viewer)

    await client.socket.send_text(eio.Packet(eio.PING).encode())

    pong = eio.Packet(encoded_packet=await client.socket.receive_text(5))
    assert pong.packet_type == eio.PONG
    await client.close()


def test_long_polling_is_answered_with_engine_ios_transport_error(client: Client) -> None:
    response = client.get("/socket.io/", {"EIO": "4", "transport": "polling"})

    assert response.status_code == 400
    assert response.json() == {
        "code": 0,
        "message": "Transport unknown: only the websocket transport is served",
    }


async def test_flooding_subscribe_requests_stops_at_the_room_limit(
    personas: Personas, campaign: Campaign, monkeypatch: pytest.MonkeyPatch
) -> None:
    from api.websocket.socketio import SocketIOConsumer

    monkeypatch.setattr(SocketIOConsumer, "max_rooms", 1)
    other = await database_sync_to_async(
        lambda: builders.settlement(
            Actor(personas.owner), builders.kingdom(Actor(personas.owner), campaign)
        )
    )()
    client = await signed_in(personas.viewer)

    first = await client.emit("subscribe_campaign", {"campaignId": str(campaign.pk)})
    second = await client.emit("subscribe_settlement", {"settlementId": str(other.uid)})

    assert first == {"success": True}
    assert second == {"success": False, "error": "At most 1 rooms per connection"}
    await asyncio.sleep(0)
    await client.close()
