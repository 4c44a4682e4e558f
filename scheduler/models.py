"""What the scheduler keeps: recurring effects (due in world time) and the dead letters of periodic
jobs that failed for good. Work due once is ``rules.models.DeferredWork``, which the scheduler
fires."""

from django.conf import settings
from django.db import models

from kernel.models import BranchScopedEntity, branch_unique_uid

# The entity types a recurring effect may patch: those whose update action applies a patch
# (rules.effects.UPDATES), events and encounters left to their own effects.
TARGET_TYPES = ("settlement", "structure", "kingdom", "party", "character", "state_variable")


class RecurringEffect(BranchScopedEntity):
    """A JSON Patch applied to one entity every ``period_days`` world days, from ``next_due_at``
    on: advancing the branch clock by N periods applies it N times, each application its own
    versioned and audited change, valid from the world time it was due."""

    entity_type = "recurring_effect"

    name = models.CharField(max_length=200)
    target_type = models.CharField(max_length=20, choices=[(t, t) for t in TARGET_TYPES])
    target_uid = models.UUIDField()
    payload = models.JSONField(help_text="RFC 6902 operations")
    period_days = models.PositiveIntegerField()
    next_due_at = models.DateTimeField(help_text="World time of the next application")
    applied_count = models.PositiveIntegerField(default=0)
    last_applied_at = models.DateTimeField(null=True, blank=True)
    is_active = models.BooleanField(default=True)
    # Why the last application failed; a failing effect is suspended (is_active false).
    last_error = models.TextField(blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta(BranchScopedEntity.Meta):
        ordering = ["next_due_at", "id"]
        constraints = [branch_unique_uid("recurring_effect")]
        indexes = [models.Index(fields=["branch", "is_active", "next_due_at"])]

    def __str__(self) -> str:
        return self.name


class DeadLetter(models.Model):
    """A job that failed after all its retries, kept until an operator retries or drops it."""

    task_name = models.CharField(max_length=200)
    args = models.JSONField(default=list, blank=True)
    kwargs = models.JSONField(default=dict, blank=True)
    error = models.TextField()
    traceback = models.TextField(blank=True)
    attempts = models.PositiveIntegerField()
    failed_at = models.DateTimeField(auto_now_add=True, db_index=True)
    retried_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-failed_at", "-id"]

    def __str__(self) -> str:
        return f"{self.task_name} failed at {self.failed_at:%Y-%m-%d %H:%M:%S}"
