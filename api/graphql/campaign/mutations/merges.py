"""Fork, merge, cherry-pick and restore inputs and resolvers (the root fields are in
api/graphql/campaign/schema.py)."""

from typing import Any

import graphene
from graphene import ResolveInfo

from api.graphql.campaign.access import actor
from api.graphql.campaign.types.merges import stored_resolution
from api.graphql.scalars import DateTime
from campaign.actions import branches, cherry_picks, merges, versions


class ForkBranchInput(graphene.InputObjectType):
    source_branch_id = graphene.ID(required=True)
    name = graphene.String(required=True)
    description = graphene.String()
    world_time = DateTime(required=True, description="The world time the fork diverges at.")


class ConflictResolution(graphene.InputObjectType):
    entity_type = graphene.String(required=True)
    entity_id = graphene.String(required=True)
    path = graphene.String(required=True, description="The conflict's path, as reported.")
    resolved_value = graphene.String(
        required=True,
        description="The value to keep, as JSON text: the source's, the target's or another;"
        ' "null" at the path __root__ takes the deletion.',
    )


class PreviewMergeInput(graphene.InputObjectType):
    source_branch_id = graphene.ID(required=True)
    target_branch_id = graphene.ID(required=True)
    world_time = DateTime(required=True)


class ExecuteMergeInput(PreviewMergeInput):
    resolutions = graphene.List(graphene.NonNull(ConflictResolution))


class CherryPickVersionInput(graphene.InputObjectType):
    source_version_id = graphene.ID(required=True)
    target_branch_id = graphene.ID(required=True)
    resolutions = graphene.List(graphene.NonNull(ConflictResolution))


class RestoreVersionInput(graphene.InputObjectType):
    version_id = graphene.ID(required=True)
    branch_id = graphene.ID(required=True)
    world_time = graphene.String(description="ISO-8601; the branch's current world time if unset.")
    comment = graphene.String()


def fork_branch(root: None, info: ResolveInfo, input: dict[str, Any]) -> Any:
    data = dict(input)
    branch, copied = branches.fork_branch(
        actor(info), source_branch_id=data.pop("source_branch_id"), data=data
    )
    return {"branch": branch, "versions_copied": copied}


def execute_merge(root: None, info: ResolveInfo, input: dict[str, Any]) -> Any:
    return merges.execute_merge(
        actor(info),
        source_branch_id=input["source_branch_id"],
        target_branch_id=input["target_branch_id"],
        world_time=input["world_time"],
        resolutions=[stored_resolution(r) for r in input.get("resolutions") or []],
    )


def cherry_pick_version(root: None, info: ResolveInfo, input: dict[str, Any]) -> Any:
    return cherry_picks.cherry_pick_version(
        actor(info),
        source_version_id=input["source_version_id"],
        target_branch_id=input["target_branch_id"],
        resolutions=[stored_resolution(r) for r in input.get("resolutions") or []],
    )


def restore_version(root: None, info: ResolveInfo, input: dict[str, Any]) -> Any:
    return versions.restore_version(
        actor(info),
        version_id=input["version_id"],
        branch_id=input["branch_id"],
        world_time=input.get("world_time"),
        comment=input.get("comment"),
    )
