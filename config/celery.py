"""The Celery application. Tasks live beside the domain code that enqueues them (each app's
``tasks`` module, found by autodiscovery); beat's periodic schedule lives in ``scheduler``."""

import os

from celery import Celery

import observability.task_signals  # noqa: F401 - connects the request-id and metrics hooks
from scheduler.schedule import beat_schedule

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("campaign_manager")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# The periodic jobs (scheduler/schedule.py); each runs under its Redis lock, once per tick.
app.conf.beat_schedule = beat_schedule()
