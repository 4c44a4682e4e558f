from typing import ClassVar

from django.db import models

from kernel.models import BranchScopedEntity, VariablesModel, branch_unique_uid


class Settlement(BranchScopedEntity, VariablesModel):
    entity_type = "settlement"
    # The levels the rules of the game allow; the one statement of them.
    level_range: ClassVar[tuple[int, int]] = (1, 10)

    kingdom = models.ForeignKey(
        "campaign.Kingdom", on_delete=models.PROTECT, related_name="settlements"
    )
    location = models.ForeignKey(
        "campaign.Location", on_delete=models.PROTECT, related_name="settlements"
    )
    name = models.CharField(max_length=200)
    level = models.PositiveSmallIntegerField(default=1)

    class Meta(BranchScopedEntity.Meta):
        ordering = ["name"]
        constraints = [
            branch_unique_uid("settlement"),
            # A location holds at most one live settlement per branch; a deleted one frees it.
            models.UniqueConstraint(
                fields=["branch", "location"],
                condition=models.Q(deleted_at__isnull=True),
                name="settlement_location_live_uniq",
            ),
        ]
        indexes = [models.Index(fields=["kingdom", "deleted_at"])]

    def __str__(self) -> str:
        return self.name
