from typing import ClassVar

from django.db import models

from kernel.models import BranchScopedEntity, VariablesModel, branch_unique_uid


class Character(BranchScopedEntity, VariablesModel):
    entity_type = "character"
    # The levels the rules of the game allow; the one statement of them.
    level_range: ClassVar[tuple[int, int]] = (1, 20)

    party = models.ForeignKey(
        "campaign.Party", null=True, blank=True, on_delete=models.SET_NULL, related_name="members"
    )
    name = models.CharField(max_length=200)
    level = models.PositiveSmallIntegerField(default=1)
    race = models.CharField(max_length=100, blank=True)
    character_class = models.CharField(max_length=100, blank=True, db_column="class")
    is_npc = models.BooleanField(default=False, db_index=True)

    class Meta(BranchScopedEntity.Meta):
        ordering = ["name"]
        constraints = [branch_unique_uid("character")]

    def __str__(self) -> str:
        return self.name
