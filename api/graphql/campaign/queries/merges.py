"""Merge previews, the merge history and as-of reads (the root fields are in
api/graphql/campaign/schema.py)."""

from typing import Any

from graphene import ResolveInfo

from api.graphql.campaign.access import actor
from campaign.actions import merges, versions
from campaign.actions.from_snapshot import past_state
from campaign.actions.kinds import KINDS
from campaign.models import Branch
from kernel.errors import NotFound


def resolve_preview_merge(root: None, info: ResolveInfo, input: dict[str, Any]) -> Any:
    return merges.preview_merge(
        actor(info),
        source_branch_id=input["source_branch_id"],
        target_branch_id=input["target_branch_id"],
        world_time=input["world_time"],
    )


def resolve_get_merge_history(root: None, info: ResolveInfo, branch_id: str) -> Any:
    return merges.merge_history(actor(info), branch_id=branch_id)


def resolve_entity_as_of(
    root: None, info: ResolveInfo, entity_type: str, id: str, branch_id: str, world_time: Any
) -> Any:
    """The snapshot; null where the entity did not exist then, or is hidden from the caller."""
    try:
        version = versions.as_of(
            actor(info),
            entity_type=entity_type,
            entity_id=id,
            branch_id=branch_id,
            world_time=world_time,
        )
    except NotFound:
        return None
    return version.snapshot if version is not None else None


def as_of(kind: str) -> Any:
    """<kind>AsOf(id, branchId, asOf): the entity as it was, as its own type (an unsaved row)."""

    def resolve(root: None, info: ResolveInfo, id: str, branch_id: str, as_of: Any) -> Any:
        try:
            version = versions.as_of(
                actor(info), entity_type=kind, entity_id=id, branch_id=branch_id, world_time=as_of
            )
        except NotFound:
            return None
        if version is None or version.snapshot is None:
            return None
        # Checked by as_of; the row it shows is on this branch even when its version is the
        # parent's (fallback to the parent's history).
        branch = Branch.objects.select_related("campaign").get(pk=branch_id)
        return past_state(KINDS[kind].model, version.snapshot, branch)

    return resolve
