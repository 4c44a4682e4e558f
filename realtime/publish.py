"""The one way domain code announces a change to connected clients (docs/decisions.md §17).

Events go out only after the surrounding transaction commits, so a client never hears of a change
that was rolled back. A broken channel layer is logged, never raised: the change has already been
committed and the caller's action succeeded. An event goes to all its rooms at once, within
``PUBLISH_TIMEOUT_SECONDS`` in all: a frozen Redis delays each write by that much at most (the
event is then dropped), rather than for as long as Redis hangs.

Synchronous code with no server loop to hand the send to (a WSGI request, a Celery task, a
command) sends on one long-lived loop of the process, in a thread of its own: ``async_to_sync``
would start a thread and a loop for every event there, and the Redis channel layer, which keeps
its connections per loop, new connections with them (issue 15: that was most of a write's time).
"""

import asyncio
import logging
import os
import threading
import uuid
from collections.abc import Coroutine
from typing import Any

from asgiref.sync import SyncToAsync, async_to_sync
from channels.layers import BaseChannelLayer, InMemoryChannelLayer, get_channel_layer
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
        if _in_server_thread() or isinstance(layer, InMemoryChannelLayer):
            # The server's loop runs the send (the in-memory layer works on that loop only).
            async_to_sync(_send_to_rooms)(layer, rooms, message)
        else:
            _on_publisher_loop(_send_to_rooms(layer, rooms, message))
    except TimeoutError:
        logger.error(
            "Publishing %s to %s timed out after %s s; the event was dropped",
            event["type"],
            ", ".join(rooms),
            PUBLISH_TIMEOUT_SECONDS,
        )


def _in_server_thread() -> bool:
    """Whether this thread runs sync code for an ASGI server's loop in this process."""
    loop = getattr(SyncToAsync.threadlocal, "main_event_loop", None)
    pid = getattr(SyncToAsync.threadlocal, "main_event_loop_pid", None)
    return loop is not None and pid == os.getpid() and loop.is_running()


_publisher_lock = threading.Lock()
_publisher: tuple[int, asyncio.AbstractEventLoop] | None = None


def _on_publisher_loop(send: Coroutine[Any, Any, None]) -> None:
    """Run ``send`` on the process's publishing loop and wait for it (so events leave in the
    order they were committed); a forked child starts its own loop."""
    global _publisher
    with _publisher_lock:
        if _publisher is None or _publisher[0] != os.getpid():
            loop = asyncio.new_event_loop()
            threading.Thread(
                target=loop.run_forever, name="realtime-publisher", daemon=True
            ).start()
            _publisher = (os.getpid(), loop)
        loop = _publisher[1]
    # The send bounds itself; this bound only guards against a loop that stopped answering.
    asyncio.run_coroutine_threadsafe(send, loop).result(timeout=2 * PUBLISH_TIMEOUT_SECONDS)


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
