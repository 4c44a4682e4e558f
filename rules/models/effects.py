from django.conf import settings
from django.db import models

from kernel.models import BranchScopedEntity, branch_unique_uid
from rules.models.kinds import Occurrence


class EffectTiming(models.TextChoices):
    PRE = "PRE"
    ON_RESOLVE = "ON_RESOLVE"
    POST = "POST"


class EffectTarget(models.TextChoices):
    SELF = "self", "the event or encounter itself"
    SETTLEMENT = "settlement"
    STRUCTURE = "structure"
    KINGDOM = "kingdom"
    PARTY = "party"
    CHARACTER = "character"
    STATE_VARIABLE = "state_variable"


class Effect(BranchScopedEntity):
    """A JSON Patch applied to a declared target when its event completes or encounter resolves."""

    entity_type = "effect"

    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    effect_type = models.CharField(max_length=50, default="patch")
    payload = models.JSONField(help_text="RFC 6902 operations")
    source_type = models.CharField(max_length=20, choices=Occurrence.choices)
    source_uid = models.UUIDField(help_text="The event or encounter that triggers the effect")
    target_type = models.CharField(
        max_length=20, choices=EffectTarget.choices, default=EffectTarget.SELF
    )
    target_uid = models.UUIDField(null=True, blank=True, help_text="Empty for the source itself")
    timing = models.CharField(
        max_length=12, choices=EffectTiming.choices, default=EffectTiming.ON_RESOLVE
    )
    priority = models.IntegerField(default=0)
    is_active = models.BooleanField(default=True)

    class Meta(BranchScopedEntity.Meta):
        ordering = ["timing", "priority", "created_at"]
        constraints = [branch_unique_uid("effect")]
        indexes = [models.Index(fields=["branch", "source_type", "source_uid", "timing"])]

    def __str__(self) -> str:
        return self.name

    @property
    def patched_type(self) -> str:
        """The entity type whose fields the payload patches: the target's, or the source's own
        when the effect targets its event or encounter itself."""
        return self.source_type if self.target_type == EffectTarget.SELF else self.target_type


class EffectExecution(models.Model):
    """One application (or dry run) of an effect, with what it saw and what it did."""

    effect = models.ForeignKey(Effect, on_delete=models.CASCADE, related_name="executions")
    source_type = models.CharField(max_length=20, choices=Occurrence.choices)
    source_uid = models.UUIDField()
    executed_at = models.DateTimeField(auto_now_add=True, db_index=True)
    executed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    context = models.JSONField(default=dict, blank=True)
    result = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)
    dry_run = models.BooleanField(default=False)

    class Meta:
        ordering = ["-executed_at", "-id"]
        indexes = [models.Index(fields=["source_type", "source_uid", "executed_at"])]

    def __str__(self) -> str:
        return f"execution of {self.effect_id} at {self.executed_at}"
