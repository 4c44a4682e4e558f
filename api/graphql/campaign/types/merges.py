"""Forks, merge previews and results, cherry-picks and the merge history.

Conflict values go out as JSON text (the original's contract), null where the value is absent
on that side. Paths and whole-entity values name fields as the entity's GraphQL type does
(``kingdomId.…``, ``variables.population``: keys inside a value are the users' own), as every
snapshot the API shows (campaign/history_shapes.py); resolutions come back in that casing
(``stored_resolution``)."""

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import graphene
from graphene import ResolveInfo

from api.graphql.campaign.types.branches import Branch
from api.graphql.campaign.types.common import actor_id
from api.graphql.scalars import JSON, DateTime
from campaign.history_shapes import camel_case, public_names, public_state
from campaign.three_way import (
    ABSENT,
    DELETED_MODIFIED,
    MODIFIED_DELETED,
    ROOT,
    AutoResolved,
    FieldConflict,
)

DESCRIPTIONS = {
    "BOTH_MODIFIED": 'Both branches changed "{path}" differently',
    MODIFIED_DELETED: 'The source changed "{path}", which the target removed',
    DELETED_MODIFIED: 'The source removed "{path}", which the target changed',
}


@dataclass(frozen=True)
class Shown:
    """A conflict or an automatic change of one entity, as the API shows it."""

    entity_type: str
    item: FieldConflict | AutoResolved

    @property
    def path(self) -> str:
        if self.item.path == ROOT:
            return ROOT
        head, dot, rest = self.item.path.partition(".")
        return (public_names(self.entity_type).get(head) or camel_case(head)) + dot + rest

    def text(self, value: Any) -> str | None:
        if value is ABSENT:
            return None
        if self.item.path == ROOT and isinstance(value, dict):
            value = public_state(self.entity_type, value)
        return json.dumps(value)


def shown(entity_type: str, items: list[Any]) -> list[Shown]:
    return [Shown(entity_type, item) for item in items]


def stored_resolution(resolution: Mapping[str, Any]) -> dict[str, Any]:
    """A resolution as the merge action takes it: its path (and, at ``__root__``, the keys of the
    entity's value) named as history stores them."""
    entity_type = str(resolution.get("entity_type", "")).lower()
    stored = {public: name for name, public in public_names(entity_type).items()}
    head, dot, rest = str(resolution.get("path", "")).partition(".")
    value = resolution.get("resolved_value")
    if head == ROOT:
        try:
            parsed = json.loads(str(value))
        except ValueError:
            parsed = None  # the action refuses it, naming the field
        if isinstance(parsed, dict):
            value = json.dumps({stored.get(k, k): v for k, v in parsed.items()})
    return {**resolution, "path": stored.get(head, head) + dot + rest, "resolved_value": value}


class ForkResult(graphene.ObjectType):
    branch = graphene.Field(Branch, required=True)
    versions_copied = graphene.Int(
        required=True, description="Rows copied onto the new branch (deleted ones included)."
    )


class MergeConflict(graphene.ObjectType):
    path = graphene.String(required=True)
    type = graphene.String(required=True)
    description = graphene.String(required=True)
    suggestion = graphene.String()
    base_value = graphene.String()
    source_value = graphene.String()
    target_value = graphene.String()

    @staticmethod
    def resolve_type(root: Shown, info: ResolveInfo) -> str:
        return root.item.type  # type: ignore[union-attr]

    @staticmethod
    def resolve_description(root: Shown, info: ResolveInfo) -> str:
        return DESCRIPTIONS[root.item.type].format(path=root.path)  # type: ignore[union-attr]

    @staticmethod
    def resolve_suggestion(root: Shown, info: ResolveInfo) -> str | None:
        if root.item.type == "BOTH_MODIFIED":  # type: ignore[union-attr]
            return None
        return "Consider whether the change still matters where the value was removed"

    @staticmethod
    def resolve_base_value(root: Shown, info: ResolveInfo) -> str | None:
        return root.text(root.item.base)

    @staticmethod
    def resolve_source_value(root: Shown, info: ResolveInfo) -> str | None:
        return root.text(root.item.source)

    @staticmethod
    def resolve_target_value(root: Shown, info: ResolveInfo) -> str | None:
        return root.text(root.item.target)


class AutoResolvedChange(graphene.ObjectType):
    path = graphene.String(required=True)
    resolved_to = graphene.String(required=True)
    base_value = graphene.String()
    source_value = graphene.String()
    target_value = graphene.String()
    resolved_value = graphene.String(required=True)

    @staticmethod
    def resolve_resolved_to(root: Shown, info: ResolveInfo) -> str:
        return root.item.resolved_to  # type: ignore[union-attr]

    @staticmethod
    def resolve_base_value(root: Shown, info: ResolveInfo) -> str | None:
        return root.text(root.item.base)

    @staticmethod
    def resolve_source_value(root: Shown, info: ResolveInfo) -> str | None:
        return root.text(root.item.source)

    @staticmethod
    def resolve_target_value(root: Shown, info: ResolveInfo) -> str | None:
        return root.text(root.item.target)

    @staticmethod
    def resolve_resolved_value(root: Shown, info: ResolveInfo) -> str:
        return root.text(root.item.resolved) or "null"  # type: ignore[union-attr]


class EntityMergePreview(graphene.ObjectType):
    entity_id = graphene.ID(required=True)
    entity_type = graphene.String(required=True)
    conflicts = graphene.List(graphene.NonNull(MergeConflict), required=True)
    auto_resolved_changes = graphene.List(graphene.NonNull(AutoResolvedChange), required=True)

    @staticmethod
    def resolve_conflicts(root: Any, info: ResolveInfo) -> Any:
        return shown(root.entity_type, root.outcome.conflicts)

    @staticmethod
    def resolve_auto_resolved_changes(root: Any, info: ResolveInfo) -> Any:
        return shown(root.entity_type, root.outcome.auto)


class MergePreview(graphene.ObjectType):
    source_branch_id = graphene.ID(required=True)
    target_branch_id = graphene.ID(required=True)
    common_ancestor_id = graphene.ID()
    entities = graphene.List(graphene.NonNull(EntityMergePreview), required=True)
    total_conflicts = graphene.Int(required=True)
    total_auto_resolved = graphene.Int(required=True)
    requires_manual_resolution = graphene.Boolean(required=True)

    @staticmethod
    def resolve_source_branch_id(root: Any, info: ResolveInfo) -> str:
        return str(root.source.pk)

    @staticmethod
    def resolve_target_branch_id(root: Any, info: ResolveInfo) -> str:
        return str(root.target.pk)

    @staticmethod
    def resolve_common_ancestor_id(root: Any, info: ResolveInfo) -> str:
        return str(root.common_ancestor.pk)

    @staticmethod
    def resolve_requires_manual_resolution(root: Any, info: ResolveInfo) -> bool:
        return root.total_conflicts > 0  # type: ignore[no-any-return]


class MergeResult(graphene.ObjectType):
    success = graphene.Boolean(required=True)
    versions_created = graphene.Int(required=True)
    merged_entity_ids = graphene.List(
        graphene.NonNull(graphene.String),
        required=True,
        description='"<entityType>:<entityId>" of every entity the merge wrote.',
    )
    error = graphene.String(description="Always null: a refused merge is an error.")

    @staticmethod
    def resolve_success(root: Any, info: ResolveInfo) -> bool:
        return True


class CherryPickResult(graphene.ObjectType):
    success = graphene.Boolean(required=True)
    has_conflict = graphene.Boolean(required=True)
    conflicts = graphene.List(graphene.NonNull(MergeConflict))
    version_id = graphene.ID(description="Null too when the target already had the change.")
    error = graphene.String()

    @staticmethod
    def resolve_success(root: Any, info: ResolveInfo) -> bool:
        return not root.conflicts

    @staticmethod
    def resolve_has_conflict(root: Any, info: ResolveInfo) -> bool:
        return bool(root.conflicts)

    @staticmethod
    def resolve_conflicts(root: Any, info: ResolveInfo) -> Any:
        return shown(root.entity_type, root.conflicts) or None

    @staticmethod
    def resolve_version_id(root: Any, info: ResolveInfo) -> str | None:
        return str(root.version.pk) if root.version is not None else None

    @staticmethod
    def resolve_error(root: Any, info: ResolveInfo) -> str | None:
        return f"{len(root.conflicts)} conflict(s) need a resolution" if root.conflicts else None


class MergeHistoryEntry(graphene.ObjectType):
    id = graphene.ID(required=True)
    source_branch_id = graphene.ID(required=True)
    source_branch = graphene.Field(Branch, required=True)
    target_branch_id = graphene.ID(required=True)
    target_branch = graphene.Field(Branch, required=True)
    common_ancestor_id = graphene.ID(required=True)
    world_time = DateTime(required=True)
    merged_by = graphene.ID(required=True)
    merged_at = DateTime(required=True)
    conflicts_count = graphene.Int(required=True)
    entities_merged = graphene.Int(required=True)
    resolutions_data = JSON(required=True)
    metadata = JSON(required=True)

    # Loaded with the row (merge_history), deleted branches included.
    @staticmethod
    def resolve_common_ancestor_id(root: Any, info: ResolveInfo) -> str:
        return str(root.common_ancestor_id)

    @staticmethod
    def resolve_merged_by(root: Any, info: ResolveInfo) -> str:
        return actor_id(root.merged_by_id)

    @staticmethod
    def resolve_resolutions_data(root: Any, info: ResolveInfo) -> Any:
        return root.resolutions
