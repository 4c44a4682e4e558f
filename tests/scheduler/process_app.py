"""The Celery app the process tests run workers and beats with: the project's own, its due-work
job ticking every 2 seconds, and unacknowledged messages handed out again after 3 seconds (a
production broker waits an hour), so that a killed worker's task comes back within a test."""

from config.celery import app
from scheduler import schedule
from tests.scheduler.process_tick import TICK_SECONDS

schedule.PERIODIC["fire-due-work"] = schedule.Periodic(
    "scheduler.fire_all_due_work", TICK_SECONDS, 10
)
app.conf.beat_schedule = {
    name: entry for name, entry in schedule.beat_schedule().items() if name == "fire-due-work"
}
app.conf.broker_transport_options = {
    **(app.conf.broker_transport_options or {}),
    "visibility_timeout": 3,
}
app.conf.task_always_eager = False

__all__ = ["app"]
