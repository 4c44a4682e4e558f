"""Version query resolvers: an entity's versions and the difference between two (the root fields
are in api/graphql/campaign/schema.py)."""

from typing import Any

from graphene import ResolveInfo

from api.graphql.campaign.access import actor, readable
from campaign.actions import entities
from campaign.actions.branches import load_branch
from campaign.actions.entities import require_authenticated
from campaign.actions.kinds import KINDS
from campaign.actions.versions import VERSION_ID
from campaign.history_shapes import version_diff
from campaign.models import Version
from campaign.permissions import READ, require_role
from kernel.errors import NotFound, ValidationError


def resolve_entity_versions(
    root: None, info: ResolveInfo, branch_id: str, entity_id: str, entity_type: str
) -> Any:
    branch = load_branch(actor(info), branch_id, READ)
    kind = KINDS.get(entity_type.lower())
    if kind is None:
        raise ValidationError(f"Unknown entity type {entity_type!r}", field="entityType")
    uid = entities.parse_id(entity_id, "entityId")
    scoped = hasattr(kind.model, "uid")
    query = Version.objects.filter(
        entity_type=kind.entity_type, entity_uid=uid, branch=branch if scoped else None
    )
    if not scoped:
        # Worlds and locations are global: their history is readable with the entity.
        readable(info, kind.entity_type, entity_id, "entityId")
    return query.order_by("sequence")


def resolve_version_diff(root: None, info: ResolveInfo, version_id1: str, version_id2: str) -> Any:
    require_authenticated(actor(info))
    first, second = (
        readable_version(info, version_id1, "versionId1"),
        readable_version(info, version_id2, "versionId2"),
    )
    return version_diff(first, second)


def readable_version(info: ResolveInfo, version_id: str, field: str) -> Version:
    """The version if the actor may read its entity. Version ids are sequential, so a missing
    version and a hidden one fail alike: the same NotFound, naming only the id given."""
    if not VERSION_ID.fullmatch(str(version_id)):
        raise ValidationError(f"{field} is not a valid version ID", field=field)
    missing = NotFound.entity("version", version_id, field)
    version = Version.objects.select_related("branch__campaign").filter(pk=int(version_id)).first()
    if version is None or (version.branch is None and version.entity_type not in KINDS):
        raise missing
    try:
        if version.branch is not None:
            require_role(actor(info), version.branch.campaign, READ)
        else:
            readable(info, version.entity_type, version.entity_uid, field)
    except NotFound as hidden:
        raise missing from hidden
    return version
