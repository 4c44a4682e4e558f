"""What a committed change is announced as to connected clients (docs/realtime.md).

The event types and payloads are the ones the SPA's Socket.IO client listens for (the original's
``entity_updated``, ``settlement_updated``, ``structure_updated``, ``world_time_changed`` and
``state_invalidated``); GraphQL subscriptions carry the same events. Every payload also names the
entity, its campaign and branch, the operation and the version, so that a client can tell what to
refetch and whether it has seen that state already.
"""

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, NamedTuple

from kernel.dates import parse_instant

if TYPE_CHECKING:
    from campaign.actions.history import Change

ENTITY_UPDATED = "entity_updated"
SETTLEMENT_UPDATED = "settlement_updated"
STRUCTURE_UPDATED = "structure_updated"
WORLD_TIME_CHANGED = "world_time_changed"
STATE_INVALIDATED = "state_invalidated"
EVENT_TYPES = (
    ENTITY_UPDATED,
    SETTLEMENT_UPDATED,
    STRUCTURE_UPDATED,
    WORLD_TIME_CHANGED,
    STATE_INVALIDATED,
)


class Announcement(NamedTuple):
    event_type: str
    payload: dict[str, Any]


def _common(change: "Change", version: int | None) -> dict[str, Any]:
    return {
        "entityType": change.entity_type,
        "entityId": change.entity_id,
        "campaignId": str(change.campaign.pk) if change.campaign is not None else None,
        "branchId": str(change.branch.pk) if change.branch is not None else None,
        "operation": change.operation.lower(),
        "version": version,
    }


def entity_changed(
    change: "Change",
    *,
    version: int | None,
    changed: list[str],
    event_type: str = ENTITY_UPDATED,
    ids: Mapping[str, str] | None = None,
) -> Announcement:
    """``changed`` names the fields the change touched; ``ids`` are the payload's own names
    for the entity and its parents (``settlementId``, ``structureId``), as the original's
    settlement and structure events carry them."""
    payload = _common(change, version)
    if event_type == STATE_INVALIDATED:
        # Rules changed: what they compute is stale for the whole campaign.
        payload |= {
            "scope": "campaign",
            "entityIds": [change.entity_id],
            "reason": f"{change.entity_type} {change.operation.lower()}",
        }
    else:
        payload["changedFields"] = changed
    return Announcement(event_type, payload | dict(ids or {}))


def world_time_changed(
    change: "Change", *, version: int | None, previous: str | None, new: str
) -> Announcement:
    """``elapsed`` in whole seconds, left out when the clock did not move; the first time set
    counts as no move (``previousTime`` is then the new time), as in the original."""
    payload = _common(change, version) | {"previousTime": previous or new, "newTime": new}
    if previous:
        seconds = int((parse_instant(new) - parse_instant(previous)).total_seconds())
        if seconds:
            payload["elapsed"] = {"value": seconds, "unit": "seconds"}
    return Announcement(WORLD_TIME_CHANGED, payload)
