"""bench_load's asyncio client (tests/benchmarks/load_mix.py) against a real web server
(config/web.py): the read mix with writes sends each write as a fresh version read then
updateSettlement with it as expectedVersion, counts refusals for a stale version as conflicts,
not errors, and counts as written exactly the writes the database versioned and audited."""

import asyncio
from collections.abc import Iterator

import pytest
from django.db import connection
from django.db.models import Sum

from campaign.models import AuditLog, Settlement, Version
from tests import servers
from tests.benchmarks import request_scene
from tests.benchmarks.load_mix import Mix, load
from tests.benchmarks.request_scene import Scene


def database_url() -> str:
    db = connection.settings_dict
    return f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


@pytest.fixture
def scene(transactional_db: None) -> Scene:
    return request_scene.seed(settlements=2, structures=1, name="load")


@pytest.fixture
def url(scene: Scene) -> Iterator[str]:
    with servers.web(threads=4, env={"DATABASE_URL": database_url()}) as port:
        yield f"http://127.0.0.1:{port}"


def written(targets: tuple[str, ...]) -> tuple[int, int, int]:
    """The targets' summed row versions, their history snapshots and their audit rows."""
    rows = Settlement.objects.filter(uid__in=targets)
    return (
        rows.aggregate(total=Sum("version"))["total"],
        Version.objects.filter(entity_type="settlement", entity_uid__in=targets).count(),
        AuditLog.objects.filter(entity_type="settlement", entity_id__in=targets).count(),
    )


def test_writes_spread_evenly_over_turns() -> None:
    # Given a mix where a tenth of the turns write
    mix = Mix([request_scene.version("x")], writes=0.1, targets=("x",))

    # When a hundred turns are taken from any start
    # Then exactly ten of them write
    assert sum(mix.writes_at(turn) for turn in range(7, 107)) == 10
    assert not Mix([request_scene.version("x")], writes=0.1).writes_at(9)


@pytest.mark.postgres
def test_mixed_load_counts_written_conflicts_and_errors_apart(scene: Scene, url: str) -> None:
    # Given a mix of reads where half the turns write, over two settlements
    targets = tuple(scene.settlements)
    mix = Mix([request_scene.requests(scene)[2]], writes=0.5, targets=targets)
    before = written(targets)

    # When four clients send it concurrently
    figures = asyncio.run(load(url, scene.token, mix, clients=4, seconds=1))

    # Then nothing failed, some writes were acknowledged and each acknowledged write, and
    # nothing else, is in the rows' versions, their history and their audit trail
    after = written(targets)
    assert figures.errors == 0
    assert figures.writes > 0
    assert [a - b for a, b in zip(after, before, strict=True)] == [figures.writes] * 3
