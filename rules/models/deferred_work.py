import uuid

from django.conf import settings
from django.db import models


class DeferredWork(models.Model):
    """One piece of work due once at a world time: an effect deferred to fire later
    (``entity_type`` "effect"), or an event or encounter that a ``triggers`` link set off but
    that is scheduled later than the clock read then ("event", "encounter"), completed when due.
    Written by ``rules.deferred_work``, fired by the scheduler: ``done_at`` is set, and ``error``
    when it could not be done, in the transaction that does it."""

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
