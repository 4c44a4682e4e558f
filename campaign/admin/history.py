"""History, audit, level changes and merges: written only by the actions, read-only here."""

import json
import uuid
from typing import Any

from django.contrib import admin
from django.db import models
from django.utils.html import format_html

from campaign.actions.kinds import KINDS
from campaign.admin.base import ReadOnlyAdmin, admin_url, branch_label
from campaign.models import (
    AuditLog,
    Branch,
    CampaignMembership,
    LevelChange,
    MergeHistory,
    Version,
)
from kernel.snapshots import iso


def pretty_json(value: Any) -> str:
    if value is None:
        return "—"
    text = json.dumps(value, indent=2, ensure_ascii=False, sort_keys=True, default=str)
    return format_html('<pre style="white-space: pre-wrap">{}</pre>', text)


def entity_row(
    entity_type: str, entity_id: Any, branch_id: Any, campaign_id: Any = None
) -> models.Model | None:
    """The live row a history or audit record is about, if it still exists."""
    try:
        key = uuid.UUID(str(entity_id))
    except ValueError:
        return None
    if entity_type == "membership":
        return CampaignMembership.objects.filter(user_id=key, campaign_id=campaign_id).first()
    if entity_type == "branch":
        return Branch.objects.filter(pk=key).first()
    if entity_type not in KINDS:
        return None
    model = KINDS[entity_type].model
    if hasattr(model, "uid"):
        return model.objects.filter(uid=key, branch_id=branch_id).first()  # type: ignore[attr-defined, no-any-return]
    return model.objects.filter(pk=key).first()  # type: ignore[attr-defined, no-any-return]


def entity_link(row: models.Model | None, fallback: str) -> str:
    if row is None:
        return f"{fallback} (deleted or not found)"
    return format_html('<a href="{}">{}</a>', admin_url(row), row)


@admin.display(description="branch", ordering="branch__name")
def branch_column(obj: Any) -> str:
    return branch_label(obj.branch) if obj.branch_id else "—"


@admin.register(Version)
class VersionAdmin(ReadOnlyAdmin):
    list_display = (
        "__str__",
        "operation",
        "valid_from_world_time",
        branch_column,
        "author",
        "created_at",
    )
    list_filter = ("entity_type", "operation")
    list_select_related = ("branch__campaign", "author")
    search_fields = ("=entity_uid", "comment", "author__email")
    date_hierarchy = "created_at"
    fields = (
        "entity_type",
        "entity_uid",
        "entity",
        "branch",
        "sequence",
        "operation",
        "valid_from",
        "comment",
        "author",
        "created_at",
        "snapshot_json",
    )

    @admin.display(description="valid from (world time)", ordering="valid_from")
    def valid_from_world_time(self, obj: Version) -> str:
        return iso(obj.valid_from) or "—"

    @admin.display(description="entity")
    def entity(self, obj: Version) -> str:
        row = entity_row(obj.entity_type, obj.entity_uid, obj.branch_id)
        return entity_link(row, f"{obj.entity_type} {obj.entity_uid}")

    @admin.display(description="snapshot")
    def snapshot_json(self, obj: Version) -> str:
        return pretty_json(obj.snapshot)


@admin.register(AuditLog)
class AuditLogAdmin(ReadOnlyAdmin):
    list_display = (
        "timestamp",
        "operation",
        "entity_type",
        "entity_id",
        "actor",
        "campaign",
        "reason",
        "changed_fields",
    )
    list_filter = ("operation", "entity_type")
    list_select_related = ("actor", "campaign")
    search_fields = ("=entity_id", "reason", "actor__email")
    date_hierarchy = "timestamp"
    fields = (
        "timestamp",
        "operation",
        "entity_type",
        "entity_id",
        "entity",
        "campaign",
        "branch",
        "actor",
        "reason",
        "metadata_json",
        "changes_json",
        "diff_json",
        "previous_state_json",
        "new_state_json",
    )

    @admin.display(description="changed fields")
    def changed_fields(self, obj: AuditLog) -> str:
        return ", ".join(sorted(obj.changes)) if isinstance(obj.changes, dict) else "—"

    @admin.display(description="entity")
    def entity(self, obj: AuditLog) -> str:
        row = entity_row(obj.entity_type, obj.entity_id, obj.branch_id, obj.campaign_id)
        return entity_link(row, f"{obj.entity_type} {obj.entity_id}")

    @admin.display(description="metadata")
    def metadata_json(self, obj: AuditLog) -> str:
        return pretty_json(obj.metadata)

    @admin.display(description="changes")
    def changes_json(self, obj: AuditLog) -> str:
        return pretty_json(obj.changes)

    @admin.display(description="diff (JSON Patch)")
    def diff_json(self, obj: AuditLog) -> str:
        return pretty_json(obj.diff)

    @admin.display(description="previous state")
    def previous_state_json(self, obj: AuditLog) -> str:
        return pretty_json(obj.previous_state)

    @admin.display(description="new state")
    def new_state_json(self, obj: AuditLog) -> str:
        return pretty_json(obj.new_state)


@admin.register(LevelChange)
class LevelChangeAdmin(ReadOnlyAdmin):
    list_display = (
        "entity_type",
        "entity_uid",
        "old_level",
        "new_level",
        "world_time",
        "changed_by",
        "changed_at",
    )
    list_filter = ("entity_type",)
    list_select_related = ("changed_by",)
    search_fields = ("=entity_uid", "reason")
    date_hierarchy = "changed_at"


@admin.register(MergeHistory)
class MergeHistoryAdmin(ReadOnlyAdmin):
    list_display = (
        "__str__",
        "source_branch",
        "target_branch",
        "merged_by",
        "merged_at",
        "conflicts_count",
        "entities_merged",
    )
    list_select_related = ("source_branch", "target_branch", "merged_by")
    search_fields = ("source_branch__name", "target_branch__name", "merged_by__email")
    date_hierarchy = "merged_at"
