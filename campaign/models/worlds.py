from django.conf import settings
from django.db import models

from kernel.models import GlobalEntity


def no_calendars() -> dict[str, list[object]]:
    """The canonical form of a world's calendars (campaign/calendars.py), with none in it."""
    return {"calendars": []}


class World(GlobalEntity):
    """A setting shared by campaigns: its calendars define how world time is told."""

    entity_type = "world"

    name = models.CharField(max_length=200)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="worlds"
    )
    calendars = models.JSONField(default=no_calendars, blank=True)
    settings = models.JSONField(default=dict, blank=True)

    class Meta(GlobalEntity.Meta):
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name
