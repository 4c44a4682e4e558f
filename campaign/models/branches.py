import uuid

from django.db import models

from kernel.models import SoftDeleteModel


class Branch(SoftDeleteModel):
    """A timeline of a campaign. The root (no parent) is the campaign's main branch."""

    entity_type = "branch"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    campaign = models.ForeignKey(
        "campaign.Campaign", on_delete=models.PROTECT, related_name="branches"
    )
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.PROTECT, related_name="children"
    )
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    diverged_at = models.DateTimeField(
        null=True, blank=True, help_text="World time at which this branch forked from its parent."
    )
    fork_point = models.BigIntegerField(
        null=True, blank=True, help_text="The last history sequence of the parent at the fork."
    )
    current_world_time = models.DateTimeField(null=True, blank=True, db_index=True)
    is_pinned = models.BooleanField(default=False)
    color = models.CharField(max_length=32, blank=True)
    tags = models.JSONField(default=list, blank=True)
    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta(SoftDeleteModel.Meta):
        verbose_name_plural = "branches"
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["campaign", "name"],
                condition=models.Q(deleted_at__isnull=True),
                name="branch_campaign_name_live_uniq",
            ),
            models.UniqueConstraint(
                fields=["campaign"],
                condition=models.Q(parent__isnull=True),
                name="branch_one_main_per_campaign",
            ),
        ]
        indexes = [models.Index(fields=["campaign", "is_pinned"])]

    def __str__(self) -> str:
        return f"{self.campaign_id}:{self.name}"

    @property
    def is_main(self) -> bool:
        return self.parent_id is None

    @property
    def public_id(self) -> str:
        return str(self.id)
