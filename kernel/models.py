"""Abstract building blocks shared by the domain models.

Every campaign-scoped entity is a *branch-scoped row*: it belongs to one branch and carries a
public ``uid`` that is the same on every branch it was forked to. Soft-deleted rows are hidden by
the default manager; ``all_objects`` sees them (docs/architecture.md#data-model-essentials).
"""

import uuid
from typing import Any, ClassVar

from django.db import models


class LiveQuerySet(models.QuerySet):
    def live(self) -> "LiveQuerySet":
        return self.filter(deleted_at__isnull=True)

    def unarchived(self) -> "LiveQuerySet":
        return self.filter(archived_at__isnull=True)


class LiveManager(models.Manager.from_queryset(LiveQuerySet)):  # type: ignore[misc]
    """Hides soft-deleted rows."""

    def get_queryset(self) -> LiveQuerySet:
        return super().get_queryset().filter(deleted_at__isnull=True)


AllManager = models.Manager.from_queryset(LiveQuerySet)


class TimestampedModel(models.Model):
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class SoftDeleteModel(TimestampedModel):
    deleted_at = models.DateTimeField(null=True, blank=True, db_index=True, editable=False)

    objects = LiveManager()
    all_objects = AllManager()

    class Meta:
        abstract = True
        base_manager_name = "all_objects"
        default_manager_name = "objects"

    @property
    def is_deleted(self) -> bool:
        return self.deleted_at is not None


class ArchivableModel(SoftDeleteModel):
    archived_at = models.DateTimeField(null=True, blank=True, db_index=True, editable=False)

    class Meta(SoftDeleteModel.Meta):
        abstract = True

    @property
    def is_archived(self) -> bool:
        return self.archived_at is not None


class VersionedModel(ArchivableModel):
    """An archivable row with an optimistic-lock counter (docs/decisions.md §7)."""

    version = models.PositiveIntegerField(default=1, editable=False)

    class Meta(ArchivableModel.Meta):
        abstract = True


class GlobalEntity(VersionedModel):
    """A row that is not branch-scoped (worlds, campaigns, locations): its public id is its key."""

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)

    entity_type: ClassVar[str]

    class Meta(VersionedModel.Meta):
        abstract = True

    @property
    def public_id(self) -> str:
        return str(self.id)


class BranchScopedEntity(VersionedModel):
    """A campaign-scoped row that lives on one branch; ``uid`` is shared across branches."""

    uid = models.UUIDField(default=uuid.uuid4, editable=False, db_index=True)
    branch = models.ForeignKey("campaign.Branch", on_delete=models.PROTECT, related_name="+")

    entity_type: ClassVar[str]

    class Meta(VersionedModel.Meta):
        abstract = True

    @property
    def public_id(self) -> str:
        return str(self.uid)


class VariablesModel(models.Model):
    """Typed custom variables, checked against ``variable_schemas``."""

    variables = models.JSONField(default=dict, blank=True)
    variable_schemas = models.JSONField(default=list, blank=True)

    class Meta:
        abstract = True


def branch_unique_uid(model_name: str) -> models.UniqueConstraint:
    return models.UniqueConstraint(fields=["branch", "uid"], name=f"{model_name}_branch_uid_uniq")


def live_only(**lookups: Any) -> models.Q:
    return models.Q(deleted_at__isnull=True, **lookups)
