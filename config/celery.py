"""The Celery application. Tasks live beside the domain code that enqueues them (each app's
``tasks`` module, found by autodiscovery); beat's periodic schedule lives in ``scheduler``."""

import os

from celery import Celery

import observability.task_signals  # noqa: F401 - connects the request-id and metrics hooks

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("campaign_manager")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# No periodic jobs yet; each will take a Redis lock when the scheduler adds it.
app.conf.beat_schedule = {}
