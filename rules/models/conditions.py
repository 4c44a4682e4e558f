from django.conf import settings
from django.db import models

from kernel.models import BranchScopedEntity, branch_unique_uid
from rules.models.kinds import Occurrence, RuleTarget


class FieldCondition(BranchScopedEntity):
    """A computed field: ``field`` of an entity is the value of ``expression``.

    With ``entity_uid`` it applies to one entity, without it to every entity of the type; among the
    active conditions for a field, the highest priority that evaluates wins (instance before type,
    then oldest first, at equal priority).
    """

    entity_type = "field_condition"

    target_type = models.CharField(max_length=20, choices=RuleTarget.choices)
    target_uid = models.UUIDField(
        null=True, blank=True, help_text="Empty: every entity of the type"
    )
    field = models.CharField(max_length=100)
    expression = models.JSONField()
    description = models.TextField(blank=True)
    is_active = models.BooleanField(default=True)
    priority = models.IntegerField(default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta(BranchScopedEntity.Meta):
        ordering = ["-priority", "created_at"]
        constraints = [branch_unique_uid("fieldcondition")]
        indexes = [
            models.Index(fields=["branch", "target_type", "target_uid", "field"]),
            models.Index(fields=["branch", "target_type", "field"]),
        ]

    def __str__(self) -> str:
        return f"{self.target_type}.{self.field} (priority {self.priority})"


class Condition(BranchScopedEntity):
    """Whether an event or encounter is available: a JSONLogic test on its context."""

    entity_type = "condition"

    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    expression = models.JSONField()
    target_type = models.CharField(max_length=20, choices=Occurrence.choices)
    target_uid = models.UUIDField()
    is_active = models.BooleanField(default=True)

    class Meta(BranchScopedEntity.Meta):
        ordering = ["name"]
        constraints = [branch_unique_uid("condition")]
        indexes = [models.Index(fields=["branch", "target_type", "target_uid"])]

    def __str__(self) -> str:
        return self.name
