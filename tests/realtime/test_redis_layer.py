"""The Redis channel layer's receive stops when it is cancelled, wherever in its polling the
cancellation lands (realtime/redis_layer.py): as a closing event loop does, once."""

import asyncio

import pytest
from channels.layers import channel_layers

from realtime.redis_layer import RedisChannelLayer

pytestmark = pytest.mark.redis
# Each attempt cancels a little later in the polling; without the fix about one in twenty of
# them goes on polling for good (and the test runs into its time limit).
ATTEMPTS = 100
STEP_SECONDS = 0.0002


def test_a_receive_cancelled_anywhere_in_its_polling_stops() -> None:
    # A layer of its own, as configured, since its polling is sped up below.
    layer = channel_layers.make_backend("default")
    assert isinstance(layer, RedisChannelLayer)
    # Back-to-back polls, so that cancellations also land while commands are being written.
    layer.brpop_timeout = 0.01
    for attempt in range(ATTEMPTS):
        loop = asyncio.new_event_loop()
        try:
            channel = loop.run_until_complete(layer.new_channel())
            receiving = loop.create_task(layer.receive(channel))
            loop.run_until_complete(asyncio.sleep(attempt * STEP_SECONDS))

            for task in asyncio.all_tasks(loop):
                task.cancel()

            with pytest.raises(asyncio.CancelledError):
                loop.run_until_complete(receiving)
        finally:
            loop.close()
