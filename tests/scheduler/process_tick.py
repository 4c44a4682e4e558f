"""How often the process tests' due-work job ticks (their Celery app and the tests read it; the
tests must not import the app itself, which reconfigures the Celery app it is given)."""

TICK_SECONDS = 2
