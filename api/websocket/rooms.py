"""One connection's share of the channel layer: the groups it is in and the events it has seen.

Several subscriptions of one socket may need the same group, so groups are counted and left when
the last one goes. ``realtime.publish`` sends an event to each of its rooms; a socket in several
of them receives it once per room, and ``first_delivery`` lets only the first copy through.
Membership changes of a campaign a socket listens to make it re-check that its user may still
hear it (``revoked_campaign``).
"""

from collections import Counter, OrderedDict
from typing import Any

from channels.layers import BaseChannelLayer

from campaign.actions.announcements import ENTITY_UPDATED
from observability import metrics

# Enough to cover the copies of one event (at most one per room) arriving out of order with others.
SEEN_EVENTS = 1024


class Rooms:
    def __init__(self, layer: BaseChannelLayer, channel_name: str, protocol: str) -> None:
        self.layer = layer
        self.channel_name = channel_name
        # Each membership counts as a subscription in /metrics (cm_subscriptions).
        self.protocol = protocol
        self.counts: Counter[str] = Counter()
        self.campaigns: dict[str, str] = {}
        self.seen: OrderedDict[str, None] = OrderedDict()

    async def join(self, group: str, campaign_id: str) -> None:
        if not self.counts[group]:
            await self.layer.group_add(group, self.channel_name)
        self.counts[group] += 1
        self.campaigns[group] = campaign_id
        metrics.subscription_started(self.protocol)

    async def leave(self, group: str) -> None:
        if self.counts[group] <= 0:
            return
        self.counts[group] -= 1
        metrics.subscription_stopped(self.protocol)
        if not self.counts[group]:
            del self.counts[group]
            self.campaigns.pop(group, None)
            await self.layer.group_discard(group, self.channel_name)

    async def leave_all(self) -> None:
        # Forgotten before the first await: a subscription ending meanwhile (its task cancelled
        # by the same disconnect) then finds nothing left to leave, and counts once.
        groups = list(self.counts)
        metrics.subscription_stopped(self.protocol, sum(self.counts.values()))
        self.counts.clear()
        self.campaigns.clear()
        for group in groups:
            await self.layer.group_discard(group, self.channel_name)

    def first_delivery(self, event: dict[str, Any]) -> bool:
        event_id = str(event.get("eventId"))
        if event_id in self.seen:
            return False
        self.seen[event_id] = None
        if len(self.seen) > SEEN_EVENTS:
            self.seen.popitem(last=False)
        return True

    def revoked_campaign(self, event: dict[str, Any]) -> str | None:
        """The campaign whose membership ``event`` changed, when this socket hears one of its
        rooms: who may still listen must be checked again."""
        payload = event.get("payload") or {}
        if event.get("type") != ENTITY_UPDATED or payload.get("entityType") != "membership":
            return None
        campaign_id = payload.get("campaignId")
        return campaign_id if campaign_id in self.campaigns.values() else None
