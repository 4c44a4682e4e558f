from typing import ClassVar

from django.db import models

from kernel.models import BranchScopedEntity, VariablesModel, branch_unique_uid


class Structure(BranchScopedEntity, VariablesModel):
    entity_type = "structure"
    # The levels the rules of the game allow; the one statement of them.
    level_range: ClassVar[tuple[int, int]] = (1, 5)

    settlement = models.ForeignKey(
        "campaign.Settlement", on_delete=models.PROTECT, related_name="structures"
    )
    type = models.CharField(max_length=100, db_index=True, help_text="e.g. temple, market")
    name = models.CharField(max_length=200)
    level = models.PositiveSmallIntegerField(default=1)
    x = models.FloatField(null=True, blank=True)
    y = models.FloatField(null=True, blank=True)
    orientation = models.FloatField(null=True, blank=True)

    class Meta(BranchScopedEntity.Meta):
        ordering = ["name"]
        constraints = [branch_unique_uid("structure")]
        indexes = [models.Index(fields=["settlement", "deleted_at"])]

    def __str__(self) -> str:
        return self.name
