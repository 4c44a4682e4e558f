"""Branch inputs and resolvers (the root fields are in api/graphql/campaign/schema.py)."""

from typing import Any

import graphene
from graphene import ResolveInfo

from api.graphql.campaign.access import actor
from api.graphql.scalars import DateTime
from campaign.actions import branches


class CreateBranchInput(graphene.InputObjectType):
    campaign_id = graphene.ID(required=True)
    parent_id = graphene.ID(description="The branch to fork from; the main branch by default.")
    name = graphene.String(required=True)
    description = graphene.String()
    diverged_at = DateTime()
    is_pinned = graphene.Boolean()
    color = graphene.String()
    tags = graphene.List(graphene.NonNull(graphene.String))


class UpdateBranchInput(graphene.InputObjectType):
    name = graphene.String()
    description = graphene.String()
    is_pinned = graphene.Boolean()
    color = graphene.String()
    tags = graphene.List(graphene.NonNull(graphene.String))
    expected_version = graphene.Int()


def create_branch(root: None, info: ResolveInfo, input: dict[str, Any]) -> Any:
    data = dict(input)
    return branches.create_branch(
        actor(info),
        campaign_id=data.pop("campaign_id"),
        parent_id=data.pop("parent_id", None),
        data=data,
    )


def update_branch(root: None, info: ResolveInfo, id: str, input: dict[str, Any]) -> Any:
    data = dict(input)
    expected = data.pop("expected_version", None)
    return branches.update_branch(actor(info), branch_id=id, data=data, expected_version=expected)


def delete_branch(root: None, info: ResolveInfo, id: str) -> bool:
    branches.delete_branch(actor(info), branch_id=id)
    return True
