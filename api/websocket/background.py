"""The tasks a consumer starts beside its socket (timers, operations, heartbeats) end with it.

Cancelling a task only asks it to stop: it still runs its ``finally`` blocks (leaving channel
layer groups, closing subscriptions) afterwards. A consumer that returned without waiting for them
would leave work running for a socket that is gone, which its server may cut off mid-write and
which, in tests, runs on into the event loop's teardown.
"""

import asyncio
from collections.abc import Iterable
from typing import Any


async def stop(tasks: Iterable[asyncio.Task[Any]]) -> None:
    """Cancel ``tasks`` and wait until each has finished; the calling task itself is skipped, as
    it cannot wait for its own end. A cancellation of the caller still propagates."""
    current = asyncio.current_task()
    stopping = [task for task in tasks if task is not current]
    for task in stopping:
        task.cancel()
    # return_exceptions: a task that ends with an error must not leave the others unawaited; what
    # they raised was already logged where it happened, or is their CancelledError.
    await asyncio.gather(*stopping, return_exceptions=True)
