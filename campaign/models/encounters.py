from django.db import models

from kernel.models import BranchScopedEntity, VariablesModel, branch_unique_uid


class Encounter(BranchScopedEntity, VariablesModel):
    entity_type = "encounter"

    location = models.ForeignKey(
        "campaign.Location", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    difficulty = models.PositiveSmallIntegerField(null=True, blank=True)
    scheduled_at = models.DateTimeField(null=True, blank=True, db_index=True)
    is_resolved = models.BooleanField(default=False, db_index=True)
    resolved_at = models.DateTimeField(null=True, blank=True)

    class Meta(BranchScopedEntity.Meta):
        ordering = ["scheduled_at", "name"]
        constraints = [branch_unique_uid("encounter")]

    def __str__(self) -> str:
        return self.name
