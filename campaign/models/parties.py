from typing import ClassVar

from django.db import models

from kernel.models import BranchScopedEntity, VariablesModel, branch_unique_uid


class Party(BranchScopedEntity, VariablesModel):
    entity_type = "party"
    # The levels the rules of the game allow; the one statement of them.
    level_range: ClassVar[tuple[int, int]] = (1, 20)

    name = models.CharField(max_length=200)
    average_level = models.PositiveSmallIntegerField(null=True, blank=True, default=1)
    manual_level_override = models.PositiveSmallIntegerField(null=True, blank=True)

    class Meta(BranchScopedEntity.Meta):
        verbose_name_plural = "parties"
        ordering = ["name"]
        constraints = [branch_unique_uid("party")]

    def __str__(self) -> str:
        return self.name

    @property
    def level(self) -> int | None:
        return self.manual_level_override or self.average_level
