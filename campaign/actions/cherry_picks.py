"""Cherry-picking: applying the change one version made onto another branch of the campaign.

The change is the version against the one before it on its own branch; it is merged onto the
target's current state with the merge's three-way algorithm, so conflicts are found, reported
and resolved exactly as a merge's are (``merges.resolve`` and ``merges.apply``)."""

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

from django.db import transaction

from campaign.actions import entities
from campaign.actions.branches import load_branch
from campaign.actions.merges import EntityMerge, apply, resolve
from campaign.actions.versions import VersionId, load_version
from campaign.models import Version
from campaign.permissions import WRITE
from campaign.three_way import FieldConflict, merge
from campaign.time_travel import latest_version, version_before
from kernel.actor import Actor
from kernel.errors import ValidationError
from kernel.ids import EntityId


@dataclass(frozen=True)
class CherryPick:
    """The version written on the target, or the conflicts that stopped the pick (nothing was
    written); ``version`` is None too when the target already had the change."""

    entity_type: str
    version: Version | None
    conflicts: list[FieldConflict]


def cherry_pick_version(
    actor: Actor,
    *,
    source_version_id: VersionId,
    target_branch_id: EntityId,
    resolutions: Sequence[Mapping[str, object]] = (),
) -> CherryPick:
    picked = load_version(actor, source_version_id, "sourceVersionId")
    target = load_branch(actor, target_branch_id, WRITE, field="targetBranchId")
    assert picked.branch is not None
    if picked.branch.campaign_id != target.campaign_id:
        raise ValidationError(
            "The version belongs to another campaign than the target branch",
            field="targetBranchId",
        )
    with transaction.atomic():
        entities.hold(target, ValidationError("The target branch is gone", field="targetBranchId"))
        before = version_before(picked)
        current = latest_version(picked.entity_type, picked.entity_uid, target)
        target_state = current.snapshot if current is not None else None
        outcome = merge(before.snapshot if before else None, picked.snapshot, target_state)
        if outcome.conflicts and not resolutions:
            return CherryPick(picked.entity_type, None, outcome.conflicts)
        entity = EntityMerge(picked.entity_type, str(picked.entity_uid), outcome, target_state)
        written = apply(actor, target, resolve([entity], resolutions), target.current_world_time)
        if not written:
            return CherryPick(picked.entity_type, None, [])
        written_version = latest_version(picked.entity_type, picked.entity_uid, target)
        return CherryPick(picked.entity_type, written_version, [])
