from django.conf import settings
from django.db import models


class Version(models.Model):
    """One snapshot of an entity on a branch, valid from a world time on.

    The primary key is the history sequence: it only grows, so a branch's fork point is the highest
    id of its parent's history at the moment of the fork.
    """

    entity_type = models.CharField(max_length=32)
    entity_uid = models.UUIDField()
    branch = models.ForeignKey(
        "campaign.Branch", null=True, blank=True, on_delete=models.PROTECT, related_name="versions"
    )
    valid_from = models.DateTimeField(help_text="World time from which this snapshot holds.")
    sequence = models.PositiveIntegerField(help_text="Per entity and branch, from 1.")
    snapshot = models.JSONField(null=True, blank=True, help_text="Null for a deletion tombstone.")
    operation = models.CharField(max_length=16)
    comment = models.CharField(max_length=500, blank=True)
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["entity_type", "entity_uid", "sequence"]
        constraints = [
            models.UniqueConstraint(
                fields=["entity_type", "entity_uid", "branch", "sequence"],
                name="version_entity_branch_sequence_uniq",
            )
        ]
        indexes = [
            models.Index(fields=["entity_type", "entity_uid", "branch", "valid_from", "sequence"]),
            models.Index(fields=["branch", "id"]),
        ]

    def __str__(self) -> str:
        return f"{self.entity_type} {self.entity_uid} v{self.sequence}"


class LevelChange(models.Model):
    """A level that actually changed, written with the change itself."""

    entity_type = models.CharField(max_length=32)
    entity_uid = models.UUIDField()
    branch = models.ForeignKey(
        "campaign.Branch", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    old_level = models.PositiveSmallIntegerField(null=True, blank=True)
    new_level = models.PositiveSmallIntegerField(null=True, blank=True)
    world_time = models.DateTimeField(null=True, blank=True)
    reason = models.CharField(max_length=500, blank=True)
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    changed_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-changed_at", "-id"]
        indexes = [models.Index(fields=["entity_type", "entity_uid", "changed_at"])]

    def __str__(self) -> str:
        return f"{self.entity_type} {self.entity_uid}: {self.old_level} -> {self.new_level}"
