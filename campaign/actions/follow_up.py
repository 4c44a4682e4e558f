"""Enqueueing follow-up work once a change has committed (docs/decisions.md §18)."""

import logging

from celery import Task
from django.db import transaction

logger = logging.getLogger(__name__)


def after_commit(task: Task, *args: object) -> None:
    """Send ``task`` when the transaction commits. A broker outage is logged, not raised: the
    change is committed, and the work it would have done happens lazily on the next read."""

    def send() -> None:
        try:
            task.delay(*args)
        except Exception:
            logger.exception("Could not enqueue %s%r", task.name, args)

    transaction.on_commit(send)
