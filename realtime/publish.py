"""The one way domain code announces a change to connected clients (docs/decisions.md §17).

Events go out only after the surrounding transaction commits, so a client never hears of a change
that was rolled back. A broken channel layer is logged, never raised: the change has already been
committed and the caller's action succeeded. An event goes to all its rooms at once, within
``PUBLISH_TIMEOUT_SECONDS`` in all: a frozen Redis delays each write by that much at most (the
event is then dropped), rather than for as long as Redis hangs.
"""

import asyncio
import logging
import uuid
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import BaseChannelLayer, get_channel_layer
from django.db import transaction
from django.utils import timezone

logger = logging.getLogger(__name__)

MESSAGE_TYPE = "room.event"
PUBLISH_TIMEOUT_SECONDS = 1.0


def room(kind: str, object_id: object) -> str:
    """Channels group names allow no colons, hence ``campaign.<uid>``."""
    return f"{kind}.{object_id}"


def make_event(event_type: str, payload: dict[str, Any], **metadata: Any) -> dict[str, Any]:
    return {
        "eventId": str(uuid.uuid4()),
        "type": event_type,
        "timestamp": timezone.now().isoformat(timespec="milliseconds").replace("+00:00", "Z"),
        "payload": payload,
        "metadata": metadata,
    }


def send_now(rooms: list[str], event: dict[str, Any]) -> None:
    layer = get_channel_layer()
    if layer is None:
        return
    message = {"type": MESSAGE_TYPE, "event": event, "rooms": rooms}
    try:
        async_to_sync(_send_to_rooms)(layer, rooms, message)
    except TimeoutError:
        logger.error(
            "Publishing %s to %s timed out after %s s; the event was dropped",
            event["type"],
            ", ".join(rooms),
            PUBLISH_TIMEOUT_SECONDS,
        )


async def _send_to_rooms(
    layer: BaseChannelLayer, rooms: list[str], message: dict[str, Any]
) -> None:
    async with asyncio.timeout(PUBLISH_TIMEOUT_SECONDS):
        outcomes = await asyncio.gather(
            *(layer.group_send(group, message) for group in rooms), return_exceptions=True
        )
    for group, outcome in zip(rooms, outcomes, strict=True):
        if isinstance(outcome, Exception):
            logger.error(
                "Could not publish %s to %s", message["event"]["type"], group, exc_info=outcome
            )


def on_commit(rooms: list[str], event: dict[str, Any]) -> None:
    transaction.on_commit(lambda: send_now(rooms, event))
