"""Actions announce committed changes to the rooms of the campaign and entity."""

import os
import subprocess
import sys
import uuid
from pathlib import Path
from typing import Any

import pytest
from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

from campaign.actions import settlements
from campaign.models import Campaign
from kernel.actor import Actor
from realtime.publish import MESSAGE_TYPE, flush, make_event, room, send_now
from tests import builders

REPO = Path(__file__).resolve().parents[1]
BURST = 20


def listen(group: str) -> tuple[Any, str]:
    layer = get_channel_layer()
    channel = async_to_sync(layer.new_channel)()
    async_to_sync(layer.group_add)(group, channel)
    return layer, channel


def next_events(layer: Any, channel: str, count: int) -> list[dict[str, Any]]:
    # In one event loop: the Redis layer buffers what it fetched per loop.
    async def receive() -> list[dict[str, Any]]:
        return [(await layer.receive(channel))["event"] for _ in range(count)]

    return async_to_sync(receive)()


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
    assert flush()  # the failure is logged once the send has finished with every room
    [failure] = caplog.records
    assert failure.getMessage() == "Could not publish entity.update to not a valid group!"


def test_a_burst_of_writes_is_announced_in_the_order_it_was_committed(
    owner: Actor, campaign: Campaign, django_capture_on_commit_callbacks: Any
) -> None:
    # Given a settlement whose room is listened to
    settlement = builders.settlement(owner, builders.kingdom(owner, campaign))
    layer, channel = listen(room("settlement", settlement.uid))

    # When it is written many times in a row, as fast as the writes go
    with django_capture_on_commit_callbacks(execute=True):
        for n in range(BURST):
            settlements.update_settlement(
                owner, settlement_id=settlement.uid, data={"name": f"Burst {n}"}
            )

    # Then its events arrive one for each write, in the order written
    events = next_events(layer, channel, BURST)
    assert [e["payload"]["version"] for e in events] == list(range(2, BURST + 2))


@pytest.mark.redis
def test_what_a_command_queued_is_sent_before_its_process_exits() -> None:
    # Given a room listened to on Redis
    group = f"exit.{uuid.uuid4().hex}"
    layer, channel = listen(group)
    publish_then_exit = (
        "import django; django.setup(); from realtime import publish;"
        f"[publish.send_now([{group!r}], publish.make_event('queued', {{'n': n}}))"
        f" for n in range({BURST})]"
    )

    # When a short-lived process publishes a burst of events and ends at once
    finished = subprocess.run(
        [sys.executable, "-c", publish_then_exit],
        cwd=REPO,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "config.settings"},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    # Then every event left before it did, in order
    assert finished.returncode == 0, finished.stderr
    events = next_events(layer, channel, BURST)
    assert [e["payload"]["n"] for e in events] == list(range(BURST))
