"""Versions of an entity and the difference between two."""

from typing import Any

import graphene
from graphene import ResolveInfo

from api.graphql.campaign.types.common import ACTOR_DOC, actor_id
from api.graphql.scalars import JSON, DateTime
from campaign import history_shapes


class Version(graphene.ObjectType):
    id = graphene.ID(required=True)
    entity_type = graphene.String(required=True)
    entity_id = graphene.ID(required=True)
    branch_id = graphene.ID(description="Null for worlds and locations, which have no branches.")
    valid_from = DateTime(required=True)
    valid_to = DateTime(description="Always null: a version holds until a later one.")
    version = graphene.Int(required=True, description="Sequence per entity and branch.")
    payload = JSON(
        description="The snapshot, keyed as the entity's fields are (kingdomId, createdAt); null "
        "for a deletion tombstone."
    )
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
        return history_shapes.payload(root)

    @staticmethod
    def resolve_comment(root: Any, info: ResolveInfo) -> str | None:
        return root.comment or None

    @staticmethod
    def resolve_created_by(root: Any, info: ResolveInfo) -> str:
        return actor_id(root.author_id)


class VersionDiff(graphene.ObjectType):
    added = JSON(required=True, description="Keys only the second version has, with its values.")
    modified = JSON(
        required=True, description="Keys whose values differ, each as {old, new} (whole values)."
    )
    removed = JSON(required=True, description="Keys only the first version has, with its values.")
    patch = JSON(required=True, description="The same change as an RFC 6902 JSON Patch.")
