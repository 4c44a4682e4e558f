"""The scheduler with real processes on PostgreSQL and one Redis: two beats and two workers run
each tick's job once; a worker killed in the middle of a task leaves it to another, which
finishes it without applying anything twice."""

import datetime
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import BinaryIO

import pytest
from django.conf import settings

from campaign.actions import campaigns, kingdoms, settlements, worlds
from campaign.models import Role, Settlement, Version
from scheduler.models import RecurringEffect
from scheduler.recurring import attach_recurring_effect
from scheduler.world_time import advance_world_time
from tests import builders
from tests.conftest import Personas
from tests.scheduler.process_tick import TICK_SECONDS

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.redis,
    pytest.mark.django_db(transaction=True),
]

APP = "tests.scheduler.process_app"
DAY = datetime.timedelta(days=1)
START = datetime.datetime(4707, 1, 1, tzinfo=datetime.UTC)


def environment() -> dict[str, str]:
    """The test database and this run's Redis, for the processes."""
    db = settings.DATABASES["default"]
    url = f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"
    return {**os.environ, "DATABASE_URL": url, "PYTHONUNBUFFERED": "1"}


@pytest.fixture
def processes(tmp_path: Path) -> Iterator[Callable[..., subprocess.Popen[bytes]]]:
    """Start celery processes (``celery -A <the test app> <args>``), logging to files; all are
    stopped after the test."""
    started: list[subprocess.Popen[bytes]] = []
    logs: list[BinaryIO] = []

    def start(name: str, *args: str) -> subprocess.Popen[bytes]:
        log = (tmp_path / f"{name}.log").open("wb")
        logs.append(log)
        process = subprocess.Popen(
            [sys.executable, "-m", "celery", "-A", APP, *args],
            cwd=settings.BASE_DIR,
            env=environment(),
            stdout=log,
            stderr=subprocess.STDOUT,
        )
        started.append(process)
        return process

    subprocess.run(
        [sys.executable, "-m", "celery", "-A", APP, "purge", "-f"],
        cwd=settings.BASE_DIR,
        env=environment(),
        check=True,
        capture_output=True,
    )
    yield start
    for process in started:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
    for process in started:
        try:
            process.wait(timeout=20)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    for log in logs:
        log.close()


def worker(start: Callable[..., subprocess.Popen[bytes]], name: str) -> subprocess.Popen[bytes]:
    return start(name, "worker", "-P", "solo", "-n", f"{name}@%h", "--without-gossip",
                 "--without-mingle", "--without-heartbeat", "-l", "INFO")  # fmt: skip


def log_lines(tmp_path: Path, name: str) -> list[str]:
    return (tmp_path / f"{name}.log").read_text(errors="replace").splitlines()


def logged(tmp_path: Path, name: str, text: str) -> bool:
    return any(text in line for line in log_lines(tmp_path, name))


def wait_until(condition: Callable[..., bool], timeout: float, what: str) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting until {what}")
        time.sleep(0.2)


def test_two_beats_and_two_workers_run_each_tick_once(
    processes: Callable[..., subprocess.Popen[bytes]], tmp_path: Path
) -> None:
    # given two workers and two beats on one Redis, all started
    for name in ("worker-1", "worker-2"):
        worker(processes, name)
    for name in ("worker-1", "worker-2"):
        wait_until(lambda n=name: logged(tmp_path, n, "ready."), 120, f"{name} is ready")
    beats = [
        processes(name, "beat", "-s", str(tmp_path / f"{name}.schedule"), "-l", "INFO")
        for name in ("beat-1", "beat-2")
    ]
    for name in ("beat-1", "beat-2"):
        wait_until(lambda n=name: logged(tmp_path, n, "Sending due task"), 120, f"{name} sends")

    # when four more ticks pass, then the beats stop and the workers finish what was sent
    time.sleep(4 * TICK_SECONDS)
    for beat in beats:
        beat.send_signal(signal.SIGTERM)
        beat.wait(timeout=30)
    time.sleep(2 * TICK_SECONDS)

    # then both beats sent the job every tick, and each tick ran once, on one worker or the other
    sent = [
        line
        for name in ("beat-1", "beat-2")
        for line in log_lines(tmp_path, name)
        if "Sending due task fire-due-work" in line
    ]
    ran = [
        json.loads(line)["event"].split(", tick ")[1].split(":")[0]
        for name in ("worker-1", "worker-2")
        for line in log_lines(tmp_path, name)
        if line.startswith("{") and "Periodic job fire-due-work, tick" in line
    ]
    assert len(sent) >= 8, sent
    assert len(ran) >= 4, ran
    assert len(ran) == len(set(ran)), f"a tick ran twice: {sorted(ran)}"


def test_a_worker_killed_mid_task_leaves_it_to_another_which_applies_nothing_twice(
    processes: Callable[..., subprocess.Popen[bytes]], personas: Personas
) -> None:
    # given a settlement with a daily recurring effect, 300 days of which an advance made due
    owner = personas.actor("owner")
    world = worlds.create_world(owner, data={"name": "Golarion", "calendars": []})
    campaign = campaigns.create_campaign(
        owner, world_id=world.pk, data={"name": "Kingmaker"}, current_world_time=START
    )
    campaigns.add_member(owner, campaign_id=campaign.pk, user_id=personas.gm.pk, role=Role.GM)
    gm = personas.actor("gm")
    kingdom = kingdoms.create_kingdom(gm, campaign_id=campaign.pk, data={"name": "Brevoy"})
    town = settlements.create_settlement(
        gm,
        kingdom_id=kingdom.uid,
        data={
            "name": "Restov",
            "location_id": str(builders.point(gm, campaign).pk),
            "variable_schemas": [{"name": "population", "type": "number"}],
            "variables": {"population": 0},
        },
    )
    growth = attach_recurring_effect(
        gm,
        target_type="settlement",
        target_id=town.uid,
        data={
            "name": "Growth",
            "payload": [
                {
                    "op": "replace",
                    "path": "/variables/population",
                    "valueRule": {"+": [{"var": "variables.population"}, 1]},
                }
            ],
            "period_days": 1,
        },
    )
    periods = 300
    advance_world_time(gm, campaign_id=campaign.pk, to=START + periods * DAY)  # enqueues the work

    def applied() -> int:
        return RecurringEffect.objects.get(pk=growth.pk).applied_count

    # when a worker takes the task and is killed in the middle of it
    first = worker(processes, "worker-1")
    wait_until(lambda: applied() >= 5, 60, "the first worker applied some periods")
    first.send_signal(signal.SIGKILL)
    first.wait(timeout=10)
    cut_short = applied()
    assert cut_short < periods, "the task finished before the worker was killed"

    # then another worker gets the task again and finishes it
    worker(processes, "worker-2")
    wait_until(lambda: applied() == periods, 120, "the second worker applied the rest")

    # and every period was applied exactly once: one version each, the population counts them
    town = Settlement.objects.get(pk=town.pk)
    assert town.variables["population"] == periods
    valid_from = list(
        Version.objects.filter(entity_uid=str(town.uid), operation="UPDATE").values_list(
            "valid_from", flat=True
        )
    )
    assert len(valid_from) == periods
    assert sorted(valid_from) == [START + day * DAY for day in range(1, periods + 1)]
