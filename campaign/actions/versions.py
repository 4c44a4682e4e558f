"""Acting on history: finding a version the actor may read, and restoring an entity to one."""

import dataclasses
import re

from django.db import transaction

from campaign.actions import entities
from campaign.actions.branches import load_branch
from campaign.actions.fields import moment
from campaign.actions.from_snapshot import field_values
from campaign.actions.kinds import KINDS
from campaign.branch_copy import branch_scoped
from campaign.models import Version
from campaign.permissions import READ, WRITE, require_role
from campaign.three_way import content
from campaign.time_travel import version_as_of
from kernel.actor import Actor
from kernel.dates import InstantInput
from kernel.errors import NotFound, ValidationError
from kernel.ids import EntityId

# Version ids are bigint primary keys; ASCII digits only ("²" passes str.isdigit).
VERSION_ID = re.compile(r"[0-9]{1,18}")
VersionId = str | int


def load_version(actor: Actor, version_id: VersionId, field: str) -> Version:
    """A version of a branch-scoped entity whose campaign the actor reads. Version ids are
    sequential, so a missing version and a hidden one fail alike."""
    entities.require_authenticated(actor)
    if not VERSION_ID.fullmatch(str(version_id)):
        raise ValidationError(f"{field} is not a valid version ID", field=field)
    missing = NotFound.entity("version", version_id, field)
    found = (
        Version.objects.select_related("branch__campaign").filter(pk=int(str(version_id))).first()
    )
    if found is None or found.branch is None:
        raise missing
    require_role(actor, found.branch.campaign, READ, missing)
    return found


def as_of(
    actor: Actor,
    *,
    entity_type: str,
    entity_id: EntityId,
    branch_id: EntityId,
    world_time: InstantInput,
) -> Version | None:
    """The version of a branch-scoped entity valid at ``world_time`` on the branch (see
    ``campaign.time_travel``); None where it did not exist or was deleted by then."""
    branch = load_branch(actor, branch_id, READ, field="branchId")
    kinds = {kind.entity_type: kind for kind in branch_scoped()}
    kind = kinds.get(str(entity_type).lower())
    if kind is None:
        raise ValidationError(
            f"entityType must be one of {', '.join(sorted(kinds))}", field="entityType"
        )
    when = moment(world_time, "worldTime")
    if when is None:
        raise ValidationError("worldTime is required", field="worldTime")
    uid = entities.parse_id(entity_id, "id")
    version = version_as_of(kind.entity_type, uid, branch, when)
    return version if version is not None and version.snapshot is not None else None


def restore_version(
    actor: Actor,
    *,
    version_id: VersionId,
    branch_id: EntityId,
    world_time: InstantInput | None = None,
    comment: str | None = None,
) -> Version:
    """Put the entity on ``branch_id`` back to the state ``version_id`` recorded, through the
    update action (compare-and-set, a new version, an audit row, the real-time event). The
    version may come from any branch of the same campaign."""
    version = load_version(actor, version_id, "versionId")
    branch = load_branch(actor, branch_id, WRITE, field="branchId")
    assert version.branch is not None
    if version.branch.campaign_id != branch.campaign_id:
        raise ValidationError("The version belongs to another campaign", field="versionId")
    if version.snapshot is None:
        raise ValidationError("A deletion's version cannot be restored", field="versionId")
    kind = KINDS[version.entity_type]
    when = moment(world_time, "worldTime")
    row = entities.load(
        actor,
        version.entity_type,
        version.entity_uid,
        branch_id=branch.pk,
        minimum=WRITE,
        field="versionId",
    )
    with transaction.atomic():
        values = field_values(kind.model, content(version.snapshot) or {}, branch)
        reason = comment or f"Restored from version {version.pk}"
        restorer = dataclasses.replace(actor, reason=reason)
        entities.update(
            restorer,
            instance=row,
            changes=lambda locked: entities.with_typed_variables(dict(values), locked),
            world_time=when,
        )
        return Version.objects.filter(
            entity_type=version.entity_type, entity_uid=version.entity_uid, branch=branch
        ).latest("id")
