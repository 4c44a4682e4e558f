"""The Redis channel layer, with a ``receive`` that stops when it is cancelled.

channels-redis's ``receive`` polls Redis (BZPOPMIN) in a loop until a message comes. redis-py
writes each command under ``asyncio.wait_for``, which before Python 3.12 loses a cancellation
that arrives in the event-loop step in which the write completes (CPython gh-86296); the loop
then goes on polling as if it had never been cancelled. A stopping consumer waits for its receive
(channels' ``await_many_dispatch``), and whoever stops it cancels it once: a closing test event
loop, or daphne after its application close timeout. One lost cancellation so kept a consumer,
and with it the test run, waiting forever. Here a cancelled receive is cancelled again until it
has stopped.
"""

import asyncio
from typing import Any

from channels_redis.core import RedisChannelLayer as ChannelsRedisLayer

# How long a cancelled receive has to stop before it is cancelled again: a lost cancellation
# leaves it in a blocking poll, which the next one ends at once.
RECANCEL_SECONDS = 0.5


class RedisChannelLayer(ChannelsRedisLayer):  # type: ignore[misc]
    async def receive(self, channel: str) -> dict[str, Any]:
        receiving = asyncio.ensure_future(super().receive(channel))
        try:
            message: dict[str, Any] = await asyncio.shield(receiving)
        except asyncio.CancelledError:
            await _stopped(receiving)
            raise
        return message


async def _stopped(task: asyncio.Future[Any]) -> None:
    while not task.done():
        task.cancel()
        try:
            await asyncio.wait([task], timeout=RECANCEL_SECONDS)
        except asyncio.CancelledError:
            # Cancelled again while waiting: the caller re-raises its cancellation once the
            # receive has stopped, so this one is not lost.
            continue
