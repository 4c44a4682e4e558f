"""The one way domain code announces a change to connected clients (docs/decisions.md §17).

Events go out only after the surrounding transaction commits, so a client never hears of a change
that was rolled back. A broken channel layer is logged, never raised: the change has already been
committed and the caller's action succeeded.
"""

import logging
import uuid
from typing import Any

from asgiref.sync import async_to_sync
from channels.layers import get_channel_layer
from django.db import transaction
from django.utils import timezone

logger = logging.getLogger(__name__)

MESSAGE_TYPE = "room.event"


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
    for group in rooms:
        try:
            async_to_sync(layer.group_send)(group, message)
        except Exception:
            logger.exception("Could not publish %s to %s", event["type"], group)


def on_commit(rooms: list[str], event: dict[str, Any]) -> None:
    transaction.on_commit(lambda: send_now(rooms, event))
