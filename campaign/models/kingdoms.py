from typing import ClassVar

from django.db import models

from kernel.models import BranchScopedEntity, VariablesModel, branch_unique_uid


class Kingdom(BranchScopedEntity, VariablesModel):
    entity_type = "kingdom"
    # The levels the rules of the game allow; the one statement of them.
    level_range: ClassVar[tuple[int, int]] = (1, 10)

    name = models.CharField(max_length=200)
    level = models.PositiveSmallIntegerField(default=1)

    class Meta(BranchScopedEntity.Meta):
        ordering = ["name"]
        constraints = [branch_unique_uid("kingdom")]

    def __str__(self) -> str:
        return self.name
