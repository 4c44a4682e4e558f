"""Actions announce committed changes to the rooms of the campaign and entity."""

from typing import Any

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

from campaign.actions import settlements
from campaign.models import Campaign
from kernel.actor import Actor
from realtime.publish import MESSAGE_TYPE, make_event, room, send_now
from tests import builders


def listen(group: str) -> tuple[Any, str]:
    layer = get_channel_layer()
    channel = async_to_sync(layer.new_channel)()
    async_to_sync(layer.group_add)(group, channel)
    return layer, channel


def test_a_committed_change_reaches_the_campaign_and_settlement_rooms(
    owner: Actor, campaign: Campaign, django_capture_on_commit_callbacks: Any
) -> None:
    settlement = builders.settlement(owner, builders.kingdom(owner, campaign))
    layer, campaign_channel = listen(room("campaign", campaign.pk))
    _, settlement_channel = listen(room("settlement", settlement.uid))

    with django_capture_on_commit_callbacks(execute=True):
        settlements.update_settlement(
            owner, settlement_id=settlement.uid, data={"name": "Tuskwater"}
        )

    for channel in (campaign_channel, settlement_channel):
        message = async_to_sync(layer.receive)(channel)
        assert message["type"] == MESSAGE_TYPE
        event = message["event"]
        assert event["type"] == "settlement_updated"
        assert event["payload"] == {
            "entityType": "settlement",
            "entityId": str(settlement.uid),
            "settlementId": str(settlement.uid),
            "campaignId": str(campaign.pk),
            "operation": "update",
            "changedFields": ["name"],
            "version": 2,
            "branchId": str(settlement.branch_id),
        }
        assert event["metadata"]["actorId"] == str(owner.user_id)


def test_nothing_is_announced_before_the_commit(
    owner: Actor, campaign: Campaign, django_capture_on_commit_callbacks: Any
) -> None:
    settlement = builders.settlement(owner, builders.kingdom(owner, campaign))

    with django_capture_on_commit_callbacks(execute=False) as pending:
        settlements.update_settlement(
            owner, settlement_id=settlement.uid, data={"name": "Tuskwater"}
        )

    # the announcement and the cache-generation bump wait for the commit
    assert len(pending) >= 2


def test_a_room_that_fails_does_not_keep_the_event_from_the_others(
    caplog: pytest.LogCaptureFixture,
) -> None:
    layer, channel = listen("campaign.42")

    send_now(["not a valid group!", "campaign.42"], make_event("entity.update", {}))

    assert async_to_sync(layer.receive)(channel)["event"]["type"] == "entity.update"
    [failure] = caplog.records
    assert failure.getMessage() == "Could not publish entity.update to not a valid group!"
