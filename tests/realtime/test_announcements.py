"""Which event a committed change is announced as, with the reference's payloads: world time
moves as world_time_changed (elapsed in seconds, left out for the first setting), rules changes
as state_invalidated, a settlement's and a structure's changes as their own events."""

from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer

from campaign.actions import campaigns
from campaign.models import Campaign
from kernel.actor import Actor
from realtime.publish import room
from rules import actions as rules


def listen(group: str) -> tuple[Any, str]:
    layer = get_channel_layer()
    channel = async_to_sync(layer.new_channel)()
    async_to_sync(layer.group_add)(group, channel)
    return layer, channel


def next_events(layer: Any, channel: str, count: int = 1) -> list[dict[str, Any]]:
    # In one event loop: the Redis layer buffers what it fetched per loop.
    async def receive() -> list[dict[str, Any]]:
        return [(await layer.receive(channel))["event"] for _ in range(count)]

    return async_to_sync(receive)()


def test_moving_the_clock_is_announced_with_the_seconds_it_moved(
    owner: Actor, campaign: Campaign, django_capture_on_commit_callbacks: Any
) -> None:
    layer, channel = listen(room("campaign", campaign.pk))

    with django_capture_on_commit_callbacks(execute=True):
        campaigns.advance_world_time(owner, campaign_id=campaign.pk, to="4710-01-01T00:00:00Z")
        campaigns.advance_world_time(owner, campaign_id=campaign.pk, to="4710-01-01T01:00:00Z")

    first, second = next_events(layer, channel, 2)
    assert first["type"] == second["type"] == "world_time_changed"
    assert "elapsed" not in first["payload"]
    assert first["payload"]["previousTime"] == first["payload"]["newTime"]
    assert second["payload"]["previousTime"] == "4710-01-01T00:00:00.000Z"
    assert second["payload"]["newTime"] == "4710-01-01T01:00:00.000Z"
    assert second["payload"]["elapsed"] == {"value": 3600, "unit": "seconds"}
    assert second["payload"]["campaignId"] == str(campaign.pk)


def test_a_rules_change_invalidates_the_campaigns_state(
    owner: Actor, campaign: Campaign, django_capture_on_commit_callbacks: Any
) -> None:
    layer, channel = listen(room("campaign", campaign.pk))

    with django_capture_on_commit_callbacks(execute=True):
        variable = rules.create_state_variable(
            owner,
            data={
                "scope": "campaign",
                "scope_id": str(campaign.pk),
                "key": "gold",
                "type": "integer",
                "value": 100,
            },
        )

    [event] = next_events(layer, channel)
    assert event["type"] == "state_invalidated"
    assert event["payload"]["campaignId"] == str(campaign.pk)
    assert event["payload"]["scope"] == "campaign"
    assert event["payload"]["entityIds"] == [str(variable.uid)]
    assert event["payload"]["reason"] == "state_variable create"
