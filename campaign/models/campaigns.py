import datetime
from typing import TYPE_CHECKING

from django.conf import settings
from django.db import models

from kernel.models import GlobalEntity, TimestampedModel

if TYPE_CHECKING:
    from campaign.models.branches import Branch


class Role(models.TextChoices):
    OWNER = "OWNER"
    GM = "GM"
    PLAYER = "PLAYER"
    VIEWER = "VIEWER"


class Campaign(GlobalEntity):
    entity_type = "campaign"

    name = models.CharField(max_length=200)
    world = models.ForeignKey("campaign.World", on_delete=models.PROTECT, related_name="campaigns")
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="owned_campaigns"
    )
    srid = models.PositiveIntegerField(default=3857)
    settings = models.JSONField(default=dict, blank=True)
    is_active = models.BooleanField(default=True, db_index=True)

    class Meta(GlobalEntity.Meta):
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def main_branch(self) -> "Branch":
        return self.branches.get(parent__isnull=True)  # type: ignore[no-any-return]

    @property
    def current_world_time(self) -> datetime.datetime | None:
        return self.main_branch.current_world_time


class CampaignMembership(TimestampedModel):
    """A user's role in a campaign. The campaign's owner is OWNER without a row."""

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="memberships"
    )
    campaign = models.ForeignKey(
        "campaign.Campaign", on_delete=models.CASCADE, related_name="memberships"
    )
    role = models.CharField(max_length=10, choices=Role.choices, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["user", "campaign"], name="membership_user_campaign_uniq"
            )
        ]

    def __str__(self) -> str:
        return f"{self.user} is {self.role} of {self.campaign}"
