"""Branches, versions and the audit trail."""

from typing import Any

import graphene
from graphene import ResolveInfo

from api.graphql.campaign.dataloaders import BranchById, ChildBranches
from api.graphql.scalars import JSON, DateTime

SYSTEM_ACTOR = "system"
ACTOR_DOC = f"The user who made the change, or {SYSTEM_ACTOR!r} for scheduled jobs and commands."


def actor_id(user_id: Any) -> str:
    return str(user_id) if user_id else SYSTEM_ACTOR


class Branch(graphene.ObjectType):
    id = graphene.ID(required=True)
    campaign_id = graphene.ID(required=True)
    name = graphene.String(required=True)
    description = graphene.String()
    parent_id = graphene.ID()
    parent = graphene.Field(lambda: Branch)
    children = graphene.List(graphene.NonNull(lambda: Branch), required=True)
    diverged_at = DateTime()
    current_world_time = DateTime()
    is_pinned = graphene.Boolean(required=True)
    color = graphene.String()
    tags = graphene.List(graphene.NonNull(graphene.String), required=True)
    version = graphene.Int(required=True)
    created_at = DateTime(required=True)
    updated_at = DateTime(required=True)
    deleted_at = DateTime()

    @staticmethod
    def resolve_description(root: Any, info: ResolveInfo) -> str | None:
        return root.description or None

    @staticmethod
    def resolve_color(root: Any, info: ResolveInfo) -> str | None:
        return root.color or None

    @staticmethod
    def resolve_parent(root: Any, info: ResolveInfo) -> Any:
        return BranchById.of(info).load(root.parent_id) if root.parent_id else None

    @staticmethod
    def resolve_children(root: Any, info: ResolveInfo) -> Any:
        return ChildBranches.of(info).load(root.pk)


class BranchNode(graphene.ObjectType):
    branch = graphene.Field(Branch, required=True)
    children = graphene.List(graphene.NonNull(lambda: BranchNode), required=True)


class Version(graphene.ObjectType):
    id = graphene.ID(required=True)
    entity_type = graphene.String(required=True)
    entity_id = graphene.ID(required=True)
    branch_id = graphene.ID(description="Null for worlds and locations, which have no branches.")
    valid_from = DateTime(required=True)
    valid_to = DateTime(description="Always null: a version holds until a later one.")
    version = graphene.Int(required=True, description="Sequence per entity and branch.")
    payload = JSON(description="The snapshot; null for a deletion tombstone.")
    operation = graphene.String(required=True)
    comment = graphene.String()
    created_by = graphene.ID(required=True, description=ACTOR_DOC)
    created_at = DateTime(required=True)

    @staticmethod
    def resolve_entity_id(root: Any, info: ResolveInfo) -> str:
        return str(root.entity_uid)

    @staticmethod
    def resolve_valid_to(root: Any, info: ResolveInfo) -> None:
        return None

    @staticmethod
    def resolve_version(root: Any, info: ResolveInfo) -> int:
        return root.sequence  # type: ignore[no-any-return]

    @staticmethod
    def resolve_payload(root: Any, info: ResolveInfo) -> Any:
        return root.snapshot

    @staticmethod
    def resolve_comment(root: Any, info: ResolveInfo) -> str | None:
        return root.comment or None

    @staticmethod
    def resolve_created_by(root: Any, info: ResolveInfo) -> str:
        return actor_id(root.author_id)


class VersionDiff(graphene.ObjectType):
    added = JSON(required=True)
    modified = JSON(required=True)
    removed = JSON(required=True)
    patch = JSON(required=True, description="The same change as an RFC 6902 JSON Patch.")


class Audit(graphene.ObjectType):
    id = graphene.ID(required=True)
    entity_type = graphene.String(required=True)
    entity_id = graphene.ID(required=True)
    operation = graphene.String(required=True)
    user_id = graphene.ID(required=True, description=ACTOR_DOC)
    changes = JSON(required=True)
    metadata = JSON(required=True)
    timestamp = DateTime(required=True)
    previous_state = JSON()
    new_state = JSON()
    diff = JSON()
    reason = graphene.String()
    branch_id = graphene.ID()
    campaign_id = graphene.ID()

    @staticmethod
    def resolve_user_id(root: Any, info: ResolveInfo) -> str:
        return actor_id(root.actor_id)

    @staticmethod
    def resolve_reason(root: Any, info: ResolveInfo) -> str | None:
        return root.reason or None


class HealthCheck(graphene.ObjectType):
    status = graphene.String(required=True)
    timestamp = DateTime(required=True)
    version = graphene.String()
