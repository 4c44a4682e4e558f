"""What the scheduler keeps: recurring effects and deferred work (due in world time) and the dead
letters of periodic jobs that failed for good."""

import uuid

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


class DeferredWork(models.Model):
    """One piece of work due once at a world time: an effect deferred to fire later
    (``entity_type`` "effect"), or an event or encounter that a ``triggers`` link set off but
    that is scheduled later than the clock read then ("event", "encounter"), completed when due.
    ``done_at`` is set, and ``error`` when it could not be done, in the transaction that does it."""

    class Kind(models.TextChoices):
        EFFECT = "effect"
        EVENT = "event"
        ENCOUNTER = "encounter"

    uid = models.UUIDField(default=uuid.uuid4, editable=False, unique=True)
    branch = models.ForeignKey("campaign.Branch", on_delete=models.CASCADE, related_name="+")
    entity_type = models.CharField(max_length=20, choices=Kind.choices)
    entity_uid = models.UUIDField()
    due_at = models.DateTimeField(help_text="World time it falls due")
    # What scheduled it: "deferEffect" by a user, or the event or encounter whose completion
    # triggered it ("event:<id>").
    scheduled_by = models.CharField(max_length=80)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    done_at = models.DateTimeField(null=True, blank=True)
    error = models.TextField(blank=True)

    class Meta:
        ordering = ["due_at", "id"]
        constraints = [
            # A target triggered twice at one world time is completed once.
            models.UniqueConstraint(
                fields=["branch", "entity_type", "entity_uid", "due_at"],
                name="deferred_work_once_per_due_time",
            )
        ]
        indexes = [models.Index(fields=["branch", "done_at", "due_at"])]

    def __str__(self) -> str:
        return f"{self.entity_type} {self.entity_uid} due {self.due_at:%Y-%m-%d %H:%M}"
