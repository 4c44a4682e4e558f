"""The periodic jobs' work, as plain functions: Celery tasks (``scheduler.tasks``) and the
embedded scheduler (``scheduler.embedded``) run these, under the job's lock.

Every job is idempotent: it claims what it works on with ``SELECT … FOR UPDATE SKIP LOCKED`` in
the transaction that does the work, so a rerun after a crash finds only what is left.
"""

import datetime
from typing import Any

from django.db import models, transaction
from django.utils import timezone

from campaign.models import Branch, RefreshToken
from rules import dependencies, recompute
from rules.models import EffectExecution
from scheduler import due_work

# Expired refresh tokens are kept a day for the reuse detection of their family.
REFRESH_TOKEN_GRACE = datetime.timedelta(days=1)
# Dry runs are previews; real executions are the record of what effects did.
DRY_RUN_RETENTION = datetime.timedelta(days=30)
EXECUTION_RETENTION = datetime.timedelta(days=365)
DELETE_BATCH = 1_000


def fire_due_work(branch_id: object) -> dict[str, Any]:
    """Fire one branch's due work in order, then warm what the rules compute from it."""
    fired = due_work.fire_due(branch_id)
    if fired:
        branch = Branch.objects.select_related("campaign").get(pk=branch_id)
        recompute.recompute_dependents(branch, set(dependencies.build(branch).nodes))
    return {"fired": len(fired), "kinds": sorted({item.kind for item in fired})}


def fire_all_due_work() -> dict[str, Any]:
    """Every branch's due work: expire overdue events, apply due recurring effects (also what an
    advance enqueued but a broker outage lost)."""
    fired = 0
    branches = due_work.branches_with_due_work()
    for branch_id in branches:
        fired += fire_due_work(branch_id)["fired"]
    return {"branches": len(branches), "fired": fired}


def _delete_claimed(query: models.QuerySet[Any]) -> int:
    """Delete ``query``'s rows a batch at a time, each batch claimed so that two runners split
    the rows rather than wait on each other."""
    deleted = 0
    while True:
        with transaction.atomic():
            ids = list(
                query.select_for_update(skip_locked=True).values_list("pk", flat=True)[
                    :DELETE_BATCH
                ]
            )
            if not ids:
                return deleted
            deleted += query.model.objects.filter(pk__in=ids).delete()[0]


def prune_refresh_tokens() -> dict[str, Any]:
    """Expired refresh tokens (credentials, not campaign history: deleted without a version)."""
    expired = RefreshToken.objects.filter(expires_at__lt=timezone.now() - REFRESH_TOKEN_GRACE)
    return {"deleted": _delete_claimed(expired)}


def prune_effect_executions() -> dict[str, Any]:
    now = timezone.now()
    old = EffectExecution.objects.filter(
        models.Q(dry_run=True, executed_at__lt=now - DRY_RUN_RETENTION)
        | models.Q(executed_at__lt=now - EXECUTION_RETENTION)
    )
    return {"deleted": _delete_claimed(old)}
