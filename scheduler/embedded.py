"""The embedded default's scheduler: the periodic jobs of ``scheduler.schedule``, run in this
process on the same schedule as Celery beat's, through the same tasks (with their locks, their
once-per-tick rule and their dead letters). ``make run`` starts it beside the web server
(``manage.py run_scheduler``); production runs ``celery -A config beat`` and workers instead."""

import logging
import threading
import time

from celery import current_app

from scheduler import tasks  # noqa: F401 - registers the jobs' tasks with the app
from scheduler.schedule import PERIODIC

logger = logging.getLogger(__name__)

POLL_SECONDS = 1.0


def run(stop: threading.Event) -> None:
    """Run every job once now, then each again when its interval has passed, until ``stop``."""
    # As a worker: a failed attempt is retried and a final failure dead-lettered, not raised
    # (the embedded default's eager tasks otherwise raise to their caller).
    current_app.conf.task_eager_propagates = False
    due = dict.fromkeys(PERIODIC, 0.0)
    while not stop.is_set():
        for name, job in PERIODIC.items():
            now = time.monotonic()
            if now < due[name]:
                continue
            due[name] = now + job.every_seconds
            try:
                result = current_app.tasks[job.task].apply(throw=False)
                logger.info("Periodic job %s: %s", name, result.result)
            except Exception:
                logger.exception("Periodic job %s failed", name)
        stop.wait(POLL_SECONDS)
