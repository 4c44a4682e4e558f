"""Sending dead-lettered jobs again."""

from functools import partial

from celery import current_app
from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from scheduler.models import DeadLetter


def _send(task_name: str, args: list[object], kwargs: dict[str, object]) -> None:
    # Through the task itself rather than by name, so that the embedded default (eager tasks)
    # runs it in-process; a web process has not necessarily imported the apps' tasks yet.
    current_app.loader.import_default_modules()
    current_app.tasks[task_name].apply_async(args, kwargs)


def retry_dead_letters(letters: QuerySet[DeadLetter]) -> int:
    """Send each job not yet retried again, with its arguments, and mark it retried (once: a
    letter claimed by a concurrent retry is skipped). Returns how many were sent."""
    sent = 0
    with transaction.atomic():
        for letter in letters.select_for_update(skip_locked=True).filter(retried_at__isnull=True):
            letter.retried_at = timezone.now()
            letter.save(update_fields=["retried_at"])
            transaction.on_commit(partial(_send, letter.task_name, letter.args, letter.kwargs))
            sent += 1
    return sent
