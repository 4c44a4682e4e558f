"""The Branch type and the branch tree."""

from typing import Any

import graphene
from graphene import ResolveInfo

from api.graphql.campaign.dataloaders import BranchById, ChildBranches
from api.graphql.paging import paged_list
from api.graphql.scalars import DateTime


class Branch(graphene.ObjectType):
    id = graphene.ID(required=True)
    campaign_id = graphene.ID(required=True)
    name = graphene.String(required=True)
    description = graphene.String()
    parent_id = graphene.ID()
    parent = graphene.Field(lambda: Branch)
    children = paged_list(
        lambda: Branch,
        lambda root, info, page: ChildBranches.for_page(info, page).load(root.pk),
    )
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


class BranchNode(graphene.ObjectType):
    branch = graphene.Field(Branch, required=True)
    children = graphene.List(graphene.NonNull(lambda: BranchNode), required=True)
