"""The Celery application. Beat's schedule lives here; the jobs live in ``scheduler``."""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")

app = Celery("campaign_manager")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.autodiscover_tasks()

# Periodic jobs are added by the scheduler issue; each will take a Redis lock.
app.conf.beat_schedule = {}
