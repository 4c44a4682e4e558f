"""What every realtime test gets: its in-process sockets disconnected when it ends, and a time
limit, so that a consumer that never finishes fails its own test rather than hanging the run."""

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.realtime.sockets import CommunicatorSocket

HERE = Path(__file__).parent
# Seconds for one test with its fixtures; the slowest (two daphne processes) take about ten.
TIME_LIMIT = 120


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    for item in items:
        if item.path.is_relative_to(HERE):
            item.add_marker(pytest.mark.timeout(TIME_LIMIT))


@pytest.fixture(autouse=True)
async def _sockets_disconnected() -> AsyncIterator[None]:
    yield
    await CommunicatorSocket.close_unclosed()
