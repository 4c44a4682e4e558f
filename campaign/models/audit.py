from django.conf import settings
from django.db import models


class Operation(models.TextChoices):
    CREATE = "CREATE"
    UPDATE = "UPDATE"
    DELETE = "DELETE"
    ARCHIVE = "ARCHIVE"
    RESTORE = "RESTORE"
    FORK = "FORK"
    MERGE = "MERGE"
    CHERRY_PICK = "CHERRY_PICK"
    LOGIN = "LOGIN"


class AuditLog(models.Model):
    """Who changed what, when and why: written by every action in its own transaction."""

    entity_type = models.CharField(max_length=32)
    entity_id = models.CharField(max_length=100)
    branch = models.ForeignKey(
        "campaign.Branch", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    campaign = models.ForeignKey(
        "campaign.Campaign", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    operation = models.CharField(max_length=16, choices=Operation.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    changes = models.JSONField(default=dict, blank=True)
    previous_state = models.JSONField(null=True, blank=True)
    new_state = models.JSONField(null=True, blank=True)
    diff = models.JSONField(null=True, blank=True, help_text="RFC 6902 patch from previous to new.")
    reason = models.CharField(max_length=500, blank=True)
    metadata = models.JSONField(default=dict, blank=True)
    timestamp = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-timestamp", "-id"]
        indexes = [
            models.Index(fields=["entity_type", "entity_id", "timestamp"]),
            models.Index(fields=["actor", "timestamp"]),
            models.Index(fields=["campaign", "timestamp"]),
            models.Index(fields=["operation"]),
        ]

    def __str__(self) -> str:
        return f"{self.operation} {self.entity_type} {self.entity_id}"


class MergeHistory(models.Model):
    source_branch = models.ForeignKey(
        "campaign.Branch", on_delete=models.PROTECT, related_name="merges_out"
    )
    target_branch = models.ForeignKey(
        "campaign.Branch", on_delete=models.PROTECT, related_name="merges_in"
    )
    common_ancestor = models.ForeignKey(
        "campaign.Branch", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    world_time = models.DateTimeField()
    merged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    merged_at = models.DateTimeField(auto_now_add=True)
    conflicts_count = models.PositiveIntegerField(default=0)
    entities_merged = models.PositiveIntegerField(default=0)
    resolutions = models.JSONField(default=list, blank=True)
    metadata = models.JSONField(default=dict, blank=True)

    class Meta:
        verbose_name_plural = "merge history"
        ordering = ["-merged_at"]

    def __str__(self) -> str:
        return f"merge {self.source_branch_id} -> {self.target_branch_id}"
