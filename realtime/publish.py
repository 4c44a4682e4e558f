"""The one way domain code announces a change to connected clients (docs/decisions.md §17).

Events go out only after the surrounding transaction commits, so a client never hears of a change
that was rolled back. A broken channel layer is logged, never raised: the change has already been
committed and the caller's action succeeded. An event goes to all its rooms at once, within
``PUBLISH_TIMEOUT_SECONDS`` in all: a frozen Redis delays an event by that much at most (it is
then dropped), rather than for as long as Redis hangs.

Synchronous code with no server loop to hand the send to (a WSGI request, a Celery task, a
command) does not wait for the send: it puts the event on the process's queue, which one task on
one long-lived loop of the process (in a thread of its own) sends in order, so events leave in the
order they were committed. ``async_to_sync`` would start a thread and a loop for every event
there, and the Redis channel layer, which keeps its connections per loop, new connections with
them; waiting for the send cost a write about a millisecond (issue 15). The queue is bounded
(``QUEUE_SIZE``): an event that finds it full is dropped and logged, as one that times out. What
is still queued when the process exits is sent first, for ``EXIT_DRAIN_SECONDS`` at most;
``flush`` waits for the queue the same way (tests that read an event right after a write).
"""

import asyncio
import atexit
import logging
import os
import threading
import uuid
from typing import Any

from asgiref.sync import SyncToAsync, async_to_sync
from channels.layers import BaseChannelLayer, InMemoryChannelLayer, get_channel_layer
from django.db import transaction
from django.utils import timezone

logger = logging.getLogger(__name__)

MESSAGE_TYPE = "room.event"
PUBLISH_TIMEOUT_SECONDS = 1.0
# Events waiting for the publishing loop: seconds of a frozen Redis at the rate of a busy
# process; past that, dropping is better than holding the memory.
QUEUE_SIZE = 1000
EXIT_DRAIN_SECONDS = 5.0


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
    if _in_server_thread() or isinstance(layer, InMemoryChannelLayer):
        # The server's loop runs the send (the in-memory layer works on that loop only).
        try:
            async_to_sync(_send_to_rooms)(layer, rooms, message)
        except TimeoutError:
            _timed_out(rooms, event)
    else:
        _publisher().put(layer, rooms, message)


def _in_server_thread() -> bool:
    """Whether this thread runs sync code for an ASGI server's loop in this process."""
    loop = getattr(SyncToAsync.threadlocal, "main_event_loop", None)
    pid = getattr(SyncToAsync.threadlocal, "main_event_loop_pid", None)
    return loop is not None and pid == os.getpid() and loop.is_running()


def _timed_out(rooms: list[str], event: dict[str, Any]) -> None:
    logger.error(
        "Publishing %s to %s timed out after %s s; the event was dropped",
        event["type"],
        ", ".join(rooms),
        PUBLISH_TIMEOUT_SECONDS,
    )


Queued = tuple[BaseChannelLayer, list[str], dict[str, Any]]


class _Publisher:
    """The process's publishing loop, in a thread of its own, and the queue of events that one
    task on it sends, one after the other."""

    def __init__(self) -> None:
        self.pid = os.getpid()
        self.loop = asyncio.new_event_loop()
        self.queue: asyncio.Queue[Queued] = asyncio.Queue()
        threading.Thread(
            target=self.loop.run_forever, name="realtime-publisher", daemon=True
        ).start()
        # Held: the loop keeps only a weak reference to a task.
        self.sender = asyncio.run_coroutine_threadsafe(self._drain(), self.loop)

    def put(self, layer: BaseChannelLayer, rooms: list[str], message: dict[str, Any]) -> None:
        """Queue an event from any thread; the loop takes queued events in the order given."""
        self.loop.call_soon_threadsafe(self._put, (layer, rooms, message))

    def _put(self, item: Queued) -> None:
        if self.queue.qsize() < QUEUE_SIZE:
            self.queue.put_nowait(item)
            return
        _, rooms, message = item
        logger.error(
            "The publishing queue is full (%s events); %s to %s was dropped",
            QUEUE_SIZE,
            message["event"]["type"],
            ", ".join(rooms),
        )

    async def _drain(self) -> None:
        while True:
            layer, rooms, message = await self.queue.get()
            try:
                await _send_to_rooms(layer, rooms, message)
            except TimeoutError:
                _timed_out(rooms, message["event"])
            except Exception:
                # This task is the process's only sender: it must outlive any one event.
                logger.exception("Could not publish %s", message["event"]["type"])
            finally:
                self.queue.task_done()

    def flush(self, timeout: float) -> bool:
        """Wait until what was queued before the call has left; whether it did in time."""
        sent = asyncio.run_coroutine_threadsafe(self.queue.join(), self.loop)
        try:
            sent.result(timeout)
        except TimeoutError:
            sent.cancel()
            return False
        return True


_publisher_lock = threading.Lock()
_current: _Publisher | None = None


def _publisher() -> _Publisher:
    """This process's publisher; a forked child starts its own."""
    global _current
    with _publisher_lock:
        if _current is None or _current.pid != os.getpid():
            _current = _Publisher()
        return _current


def flush(timeout: float = EXIT_DRAIN_SECONDS) -> bool:
    """Wait until the events this process has queued so far are sent (or dropped); whether that
    happened within ``timeout`` seconds. Sends on a server's loop are not queued."""
    with _publisher_lock:
        publisher = _current
    if publisher is None or publisher.pid != os.getpid():
        return True
    return publisher.flush(timeout)


@atexit.register
def _drain_at_exit() -> None:
    # The publishing thread is a daemon, stopped with the interpreter: a command or a test run
    # that ends right after a write would otherwise lose its last events.
    if not flush():
        logger.error("Events still queued after %s s at exit were dropped", EXIT_DRAIN_SECONDS)


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
