"""Follow-up work of the campaign domain, run by Celery workers after a change commits."""

from typing import Any

from celery import shared_task

from campaign.models import Branch
from rules import recompute


@shared_task(
    name="campaign.recompute_rule_dependents",
    acks_late=True,
    autoretry_for=(ConnectionError,),
    retry_backoff=True,
    max_retries=5,
)
def recompute_rule_dependents(branch_id: str, changed: list[str]) -> dict[str, Any]:
    """Recompute and cache what depends on the changed rules of a branch (idempotent)."""
    branch = Branch.objects.filter(pk=branch_id).select_related("campaign").first()
    if branch is None:
        return {"skipped": "the branch no longer exists"}
    result = recompute.recompute_dependents(branch, set(changed))
    return {"nodes": len(result.nodes), "entities": result.entities}
