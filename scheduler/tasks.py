"""The scheduler's Celery tasks: the periodic jobs of ``scheduler.schedule`` and the follow-up
an advance of world time enqueues.

Every task is idempotent (``scheduler.jobs``), acknowledged late (a worker that dies mid-task
leaves its message to be redelivered) and retried a few times with exponential backoff; one that
still fails lands in the dead-letter table (``scheduler.models.DeadLetter``), which the admin
lists with a retry action. A periodic job runs under its lock and once per tick of its schedule,
however many beats sent it (``run_once_per_tick``).
"""

import logging
import time
from collections.abc import Callable
from typing import Any

from celery import Task, shared_task
from django.db import DatabaseError

from scheduler import jobs, locks
from scheduler.models import DeadLetter
from scheduler.schedule import PERIODIC

logger = logging.getLogger(__name__)

MAX_RETRIES = 3
# A branch's due work holds its lock this long past the last extension (extended while it runs).
FIRE_LOCK_SECONDS = 30


class DeadLettered(Task):  # type: ignore[misc]
    """A task whose final failure is kept as a dead letter."""

    acks_late = True
    autoretry_for = (DatabaseError, ConnectionError, TimeoutError)
    max_retries = MAX_RETRIES
    retry_backoff = 5
    retry_backoff_max = 300
    retry_jitter = True

    def on_failure(
        self, exc: BaseException, task_id: str, args: Any, kwargs: Any, einfo: Any
    ) -> None:
        try:
            DeadLetter.objects.create(
                task_name=self.name,
                args=list(args),
                kwargs=dict(kwargs),
                error=f"{type(exc).__name__}: {exc}",
                traceback=str(einfo),
                attempts=self.request.retries + 1,
            )
        except DatabaseError:
            logger.exception("Could not dead-letter %s%r", self.name, args)


def run_once_per_tick(name: str, work: Callable[[], dict[str, Any]]) -> dict[str, Any]:
    """Run periodic job ``name`` unless its current tick has run already or it is running
    elsewhere. The tick is marked done only after ``work`` finished, so a run cut short by a dead
    worker is run again when its message is redelivered."""
    job = PERIODIC[name]
    tick = int(time.time()) // job.every_seconds
    if locks.tick_done(name, tick):
        return {"skipped": "this tick has run"}
    with locks.held(name, timeout=job.lock_timeout) as mine:
        if not mine:
            return {"skipped": "running elsewhere"}
        if locks.tick_done(name, tick):  # finished by another while this one waited for the lock
            return {"skipped": "this tick has run"}
        result = work()
        locks.mark_done(name, tick, keep_seconds=job.every_seconds * 3)
    logger.info("Periodic job %s, tick %s: %s", name, tick, result)
    return result


@shared_task(base=DeadLettered, bind=True, name="scheduler.fire_due_work")
def fire_due_work(self: Task, branch_id: str) -> dict[str, Any]:
    """The due work of one branch, enqueued when its world time advanced. One runner at a time
    per branch, so that the work fires in order."""
    with locks.held(f"fire-due-work:{branch_id}", timeout=FIRE_LOCK_SECONDS) as mine:
        if mine:
            return jobs.fire_due_work(branch_id)
    if self.request.is_eager:  # in-process: the runner holding the lock takes what is due
        return {"skipped": "running elsewhere"}
    # Come back when the other runner is done, or its lock expired with the worker that held it,
    # so that nothing due now waits for the periodic job.
    raise self.retry(countdown=FIRE_LOCK_SECONDS / 2)


@shared_task(base=DeadLettered, name="scheduler.fire_all_due_work")
def fire_all_due_work() -> dict[str, Any]:
    return run_once_per_tick("fire-due-work", jobs.fire_all_due_work)


@shared_task(base=DeadLettered, name="scheduler.prune_refresh_tokens")
def prune_refresh_tokens() -> dict[str, Any]:
    return run_once_per_tick("prune-refresh-tokens", jobs.prune_refresh_tokens)


@shared_task(base=DeadLettered, name="scheduler.prune_effect_executions")
def prune_effect_executions() -> dict[str, Any]:
    return run_once_per_tick("prune-effect-executions", jobs.prune_effect_executions)
