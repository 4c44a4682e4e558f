"""The periodic jobs' machinery, in-process: once per tick, never while another holds the job's
lock, a final failure dead-lettered and retried from there; and what the pruning jobs remove.
On the embedded default the locks are process-local; with REDIS_URL set they are Redis locks."""

import datetime
import itertools
import uuid
from collections.abc import Callable
from typing import Any

import pytest
from django.db import DatabaseError
from django.utils import timezone

from campaign.models import RefreshToken
from scheduler import jobs, locks, tasks
from scheduler.models import DeadLetter
from scheduler.retry import retry_dead_letters
from tests.conftest import Personas

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("eager")]

# Each test its own ticks: Redis keeps the done-marks of ticks between tests.
_ticks = itertools.count(int(uuid.uuid4().int % 10**6) * 10**4, 1_000)


@pytest.fixture
def at_one_tick(monkeypatch: pytest.MonkeyPatch) -> Callable[[], None]:
    """The clock stands still within one tick of every job; calling the result moves it on."""
    now = [float(next(_ticks) * 86_400)]
    monkeypatch.setattr(tasks.time, "time", lambda: now[0])

    def next_tick() -> None:
        now[0] += 86_400

    return next_tick


@pytest.fixture
def runs(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The runs of the refresh-token pruning job's work."""
    seen: list[str] = []

    def run() -> dict[str, int]:
        seen.append("run")
        return {"ran": 1}

    monkeypatch.setattr(jobs, "prune_refresh_tokens", run)
    return seen


def test_a_periodic_job_runs_once_per_tick_however_often_it_is_sent(
    at_one_tick: Callable[[], None], runs: list[str]
) -> None:
    # when two beats send the job in one tick, and once more in the next
    first = tasks.prune_refresh_tokens.apply().get()
    second = tasks.prune_refresh_tokens.apply().get()
    at_one_tick()
    third = tasks.prune_refresh_tokens.apply().get()

    # then it ran once per tick
    assert runs == ["run", "run"]
    assert first == third == {"ran": 1}
    assert second == {"skipped": "this tick has run"}


def test_a_job_another_runner_holds_is_skipped_and_left_for_its_tick(
    at_one_tick: Callable[[], None], runs: list[str]
) -> None:
    # given another runner holds the job's lock
    with locks.held("prune-refresh-tokens", timeout=30) as mine:
        assert mine

        # when the job is sent meanwhile
        skipped = tasks.prune_refresh_tokens.apply().get()

    # then it did nothing, and the tick is still to run once the lock is free
    assert skipped == {"skipped": "running elsewhere"}
    assert tasks.prune_refresh_tokens.apply().get() == {"ran": 1}
    assert runs == ["run"]


@pytest.mark.parametrize("task", [tasks.fire_due_work, tasks.prune_refresh_tokens])
def test_jobs_are_acknowledged_late_and_retried_a_few_times_with_backoff(task: Any) -> None:
    assert task.acks_late is True
    assert DatabaseError in task.autoretry_for
    assert task.max_retries == tasks.MAX_RETRIES
    assert task.retry_backoff
    assert task.retry_jitter


def test_a_job_that_failed_for_good_is_dead_lettered_and_can_be_retried_once(
    monkeypatch: pytest.MonkeyPatch,
    django_capture_on_commit_callbacks: Callable[..., Any],
) -> None:
    # given the last attempt of a job failed (as a worker reports it)
    task = tasks.fire_due_work
    task.push_request(retries=tasks.MAX_RETRIES)
    try:
        task.on_failure(DatabaseError("the database went away"), "id-1", ("b-1",), {}, None)
    finally:
        task.pop_request()

    # then the failure is one dead letter
    letter = DeadLetter.objects.get()
    assert (letter.task_name, letter.args) == ("scheduler.fire_due_work", ["b-1"])
    assert letter.error == "DatabaseError: the database went away"
    assert letter.attempts == tasks.MAX_RETRIES + 1

    # when an operator retries it (twice), the job runs again once, with its arguments
    sent: list[object] = []

    def fire(branch_id: object) -> dict[str, Any]:
        sent.append(branch_id)
        return {}

    monkeypatch.setattr(jobs, "fire_due_work", fire)
    for _ in range(2):
        with django_capture_on_commit_callbacks(execute=True):
            retry_dead_letters(DeadLetter.objects.all())
    assert sent == ["b-1"]
    assert DeadLetter.objects.get().retried_at is not None


def test_expired_refresh_tokens_are_pruned_and_live_ones_kept(personas: Personas) -> None:
    # given a token expired two days ago, one expired an hour ago and a live one
    now = timezone.now()

    def token(expires_in: datetime.timedelta) -> RefreshToken:
        return RefreshToken.objects.create(
            user=personas.owner, token_hash=uuid.uuid4().hex, expires_at=now + expires_in
        )

    old = token(-datetime.timedelta(days=2))
    recent = token(-datetime.timedelta(hours=1))
    live = token(datetime.timedelta(days=7))

    # when
    result = jobs.prune_refresh_tokens()

    # then only the long-expired one is gone
    assert result == {"deleted": 1}
    assert set(RefreshToken.objects.values_list("pk", flat=True)) == {recent.pk, live.pk}
    assert not RefreshToken.objects.filter(pk=old.pk).exists()
