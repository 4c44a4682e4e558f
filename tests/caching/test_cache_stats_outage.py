"""With the cache's Redis frozen, counting gives up after the socket timeout without failing the
caller and operators are told the figures are unknown; once Redis answers again, counting
resumes in the same process, with no restart."""

from typing import Any

import pytest

from kernel import cache_stats
from tests.test_redis_outage import FrozenRedis, frozen_cache, frozen_redis

pytestmark = pytest.mark.redis
__all__ = ["frozen_cache", "frozen_redis"]


def thaw_now(frozen: FrozenRedis) -> None:
    """What the fixture's timer would do later: let the redis-server run again."""
    frozen.thaw.function(*frozen.thaw.args)


def test_counting_gives_up_on_a_frozen_redis_and_resumes_when_it_thaws(
    frozen_cache: FrozenRedis, settings: Any
) -> None:
    cache_stats.count(cache_stats.SPATIAL, hits=1)
    during, started = cache_stats.read()

    thaw_now(frozen_cache)
    cache_stats.count(cache_stats.SPATIAL, hits=2)
    after, _ = cache_stats.read()

    assert (during, started) == ([], None)
    [spatial] = [n for n in after if n.namespace == cache_stats.SPATIAL]
    assert spatial.hits == 2
