from django.db import models

from kernel.models import BranchScopedEntity, VariablesModel, branch_unique_uid


class EventType(models.TextChoices):
    STORY = "story"
    KINGDOM = "kingdom"
    PARTY = "party"
    WORLD = "world"


class Event(BranchScopedEntity, VariablesModel):
    """Something that happens at a world time; completing it applies its effects."""

    entity_type = "event"

    location = models.ForeignKey(
        "campaign.Location", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    event_type = models.CharField(max_length=20, choices=EventType.choices, db_index=True)
    scheduled_at = models.DateTimeField(null=True, blank=True, db_index=True)
    occurred_at = models.DateTimeField(null=True, blank=True)
    is_completed = models.BooleanField(default=False, db_index=True)

    class Meta(BranchScopedEntity.Meta):
        ordering = ["scheduled_at", "name"]
        constraints = [branch_unique_uid("event")]

    def __str__(self) -> str:
        return self.name
