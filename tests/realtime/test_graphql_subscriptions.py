"""GraphQL subscriptions at /graphql: authenticated in connection_init, authorized when the client
subscribes, fed by committed changes only, closed when the token expires or the membership goes."""

import asyncio
import datetime

import pytest
from channels.db import database_sync_to_async
from django.utils import timezone

from campaign.actions import campaigns, settlements, structures
from campaign.auth import tokens
from campaign.models import Campaign
from kernel.actor import Actor
from tests import builders
from tests.conftest import Personas
from tests.realtime.graphql_sockets import opened, signed_in, subscribe
from tests.realtime.scenarios import Closed

pytestmark = pytest.mark.django_db(transaction=True)

ENTITY_MODIFIED = """subscription ($id: ID!) {
  entityModified(entityId: $id) { entityId entityType version modifiedBy modifiedAt }
}"""
CAMPAIGN_EVENTS = """subscription ($id: ID!, $types: [String!]) {
  campaignEvents(campaignId: $id, types: $types) { eventId type timestamp payload metadata }
}"""
# Joining a group happens in the operation's task, after the subscribe message is handled.
SETTLE = 0.2


async def closed_with(socket: object) -> int:
    with pytest.raises(Closed) as closed:
        await socket.receive_text(5)  # type: ignore[attr-defined]
    return closed.value.code


async def test_a_socket_without_a_token_is_refused_with_4403() -> None:
    socket = await opened({})

    assert await closed_with(socket) == 4403


async def test_a_socket_with_a_bad_token_is_refused_with_4403() -> None:
    socket = await opened({"authorization": "Bearer not-a-token"})

    assert await closed_with(socket) == 4403


async def test_a_member_hears_of_a_committed_change_to_the_entity(
    owner: Actor, campaign: Campaign, personas: Personas
) -> None:
    settlement = await database_sync_to_async(
        lambda: builders.settlement(owner, builders.kingdom(owner, campaign))
    )()
    socket = await signed_in(personas.viewer)
    await subscribe(socket, "s1", ENTITY_MODIFIED, id=str(settlement.uid))
    await asyncio.sleep(SETTLE)

    await database_sync_to_async(settlements.update_settlement)(
        owner, settlement_id=settlement.uid, data={"name": "Tuskwater"}
    )

    message = await socket.receive_json()
    assert message["id"] == "s1"
    assert message["type"] == "next"
    modified = message["payload"]["data"]["entityModified"]
    assert modified["entityId"] == str(settlement.uid)
    assert modified["entityType"] == "settlement"
    assert modified["version"] == 2
    assert modified["modifiedBy"] == str(personas.owner.pk)
    await socket.close()


async def test_a_non_member_is_refused_at_subscribe_time_with_not_found(
    owner: Actor, campaign: Campaign, personas: Personas
) -> None:
    settlement = await database_sync_to_async(
        lambda: builders.settlement(owner, builders.kingdom(owner, campaign))
    )()
    socket = await signed_in(personas.outsider)

    await subscribe(socket, "s1", ENTITY_MODIFIED, id=str(settlement.uid))

    message = await socket.receive_json()
    assert message["type"] == "error"
    assert message["id"] == "s1"
    assert message["payload"][0]["extensions"]["code"] == "NOT_FOUND"
    await socket.send_json({"type": "ping"})
    assert await socket.receive_json() == {"type": "pong"}
    await socket.close()


async def test_campaign_events_carry_the_event_and_keep_to_the_types_asked_for(
    owner: Actor, campaign: Campaign, personas: Personas
) -> None:
    settlement = await database_sync_to_async(
        lambda: builders.settlement(owner, builders.kingdom(owner, campaign))
    )()
    structure = await database_sync_to_async(builders.structure)(owner, settlement)
    socket = await signed_in(personas.player)
    await subscribe(socket, "c1", CAMPAIGN_EVENTS, id=str(campaign.pk), types=["structure_updated"])
    await asyncio.sleep(SETTLE)

    await database_sync_to_async(settlements.update_settlement)(
        owner, settlement_id=settlement.uid, data={"name": "Tuskwater"}
    )
    await database_sync_to_async(structures.update_structure)(
        owner, structure_id=structure.uid, data={"name": "Shrine of Erastil"}
    )

    message = await socket.receive_json()
    event = message["payload"]["data"]["campaignEvents"]
    assert event["type"] == "structure_updated"
    assert event["payload"]["structureId"] == str(structure.uid)
    assert event["payload"]["settlementId"] == str(settlement.uid)
    assert event["payload"]["campaignId"] == str(campaign.pk)
    assert event["payload"]["operation"] == "update"
    assert event["payload"]["changedFields"] == ["name"]
    assert event["metadata"] == {"actorId": str(personas.owner.pk), "source": "api"}
    assert await socket.receive_within(SETTLE) is None
    await socket.close()


async def test_an_unknown_event_type_is_refused_naming_the_argument(
    campaign: Campaign, personas: Personas
) -> None:
    socket = await signed_in(personas.player)

    await subscribe(socket, "c1", CAMPAIGN_EVENTS, id=str(campaign.pk), types=["everything"])

    message = await socket.receive_json()
    assert message["type"] == "error"
    assert message["payload"][0]["extensions"] == {"code": "BAD_REQUEST", "field": "types"}
    await socket.close()


async def test_the_socket_closes_when_its_token_expires(personas: Personas) -> None:
    lifetime = tokens.access_token_lifetime()
    token = tokens.issue_access_token(
        personas.viewer, now=timezone.now() - lifetime + datetime.timedelta(seconds=1)
    )
    socket = await signed_in(personas.viewer, token)

    assert await closed_with(socket) == 4403


async def test_the_socket_closes_when_the_membership_is_revoked(
    owner: Actor, campaign: Campaign, personas: Personas
) -> None:
    socket = await signed_in(personas.player)
    await subscribe(socket, "c1", CAMPAIGN_EVENTS, id=str(campaign.pk))
    await asyncio.sleep(SETTLE)

    await database_sync_to_async(campaigns.remove_member)(
        owner, campaign_id=campaign.pk, user_id=personas.player.pk
    )

    # The removal itself is announced to the room before the socket is closed.
    first = await socket.receive_json()
    assert first["payload"]["data"]["campaignEvents"]["payload"]["entityType"] == "membership"
    assert await closed_with(socket) == 4403


async def test_mutations_are_refused_over_the_socket(personas: Personas) -> None:
    socket = await signed_in(personas.owner)

    await subscribe(socket, "m1", "mutation { logout }")

    message = await socket.receive_json()
    assert message["type"] == "error"
    assert message["id"] == "m1"
    await socket.close()
