"""The periodic jobs and how often they run: Celery beat's schedule (config/celery.py) and the
embedded scheduler's (scheduler/embedded.py) are both this one table."""

from dataclasses import dataclass


@dataclass(frozen=True)
class Periodic:
    task: str
    every_seconds: int
    # Above the job's longest run; the lock is extended while the job runs.
    lock_timeout: int


PERIODIC = {
    "fire-due-work": Periodic("scheduler.fire_all_due_work", 60, 120),
    "prune-refresh-tokens": Periodic("scheduler.prune_refresh_tokens", 3600, 300),
    "prune-effect-executions": Periodic("scheduler.prune_effect_executions", 86_400, 600),
}


def beat_schedule() -> dict[str, dict[str, object]]:
    """Celery beat's form of the table. A tick's message expires after its interval, so a beat
    that was down does not unleash a backlog of identical runs."""
    return {
        name: {
            "task": job.task,
            "schedule": float(job.every_seconds),
            "options": {"expires": job.every_seconds},
        }
        for name, job in PERIODIC.items()
    }
