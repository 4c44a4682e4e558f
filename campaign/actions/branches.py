"""Branch records: creating one forks its parent (its rows are copied, see
``campaign.branch_copy``), renaming, deleting. Merging is in ``merges.py``."""

import datetime
from collections.abc import Mapping
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max
from django.utils import timezone

from campaign.actions import entities, history
from campaign.actions import fields as f
from campaign.branch_copy import copy_rows
from campaign.models import Branch, Operation, Role, Version
from campaign.permissions import MANAGE, READ, WRITE, require_role
from kernel.actor import Actor
from kernel.errors import NotFound, ValidationError
from kernel.ids import EntityId
from kernel.snapshots import snapshot

FIELDS: dict[str, f.Cleaner] = {
    "name": f.name,
    "description": f.text,
    "is_pinned": f.boolean,
    "color": f.text,
    "tags": f.string_list,
}


def load_branch(
    actor: Actor, branch_id: EntityId, minimum: Role = READ, *, field: str | None = None
) -> Branch:
    """The live branch, if the actor holds ``minimum`` in its campaign; NOT_FOUND (naming the
    input ``field`` when given) for a missing branch and for one they may not see."""
    entities.require_authenticated(actor)
    branch = (
        Branch.objects.filter(pk=entities.parse_id(branch_id, field or "branchId"))
        .select_related("campaign")
        .first()
    )
    missing = NotFound.entity("branch", branch_id, field)
    if branch is None:
        raise missing
    require_role(actor, branch.campaign, minimum, missing)
    return branch


def _name_taken(branch: Branch, name: str) -> bool:
    others = Branch.objects.filter(campaign_id=branch.campaign_id, name=name)
    return others.exclude(pk=branch.pk).exists()


def _name_in_use(name: str) -> ValidationError:
    return ValidationError(f"A branch named {name!r} already exists", field="name")


def _save(branch: Branch) -> None:
    """Save in a savepoint: a concurrent request that took the name after our check fails the
    unique index, which is the same refusal as the check's."""
    try:
        with transaction.atomic():
            branch.save()
    except IntegrityError as exc:
        if _name_taken(branch, branch.name):
            raise _name_in_use(branch.name) from exc
        raise


def _write(actor: Actor, branch: Branch, operation: str, previous: dict[str, Any] | None) -> None:
    change = history.Change(
        entity_type="branch",
        entity_id=str(branch.pk),
        operation=operation,
        previous=previous,
        new=snapshot(branch),
        campaign=branch.campaign,
        branch=branch,
        versioned=False,
    )
    history.record(actor, change)
    history.after_commit(actor, change, version=branch.version)


def create_branch(
    actor: Actor, *, campaign_id: EntityId, parent_id: EntityId | None, data: Mapping[str, object]
) -> Branch:
    """A child of ``parent_id`` (the main branch by default) diverging at ``diverged_at``, by
    default the parent's current world time; the child's clock starts there."""
    with transaction.atomic():
        # Held: the campaign against its delete, which takes every branch along; the parent
        # branch (read under that lock) against its own, which refuses while it has children.
        campaign = entities.load(
            actor, "campaign", campaign_id, minimum=WRITE, field="campaignId", lock=True
        )
        parent = entities.resolve_branch(actor, campaign, parent_id, WRITE, "parentId")
        data = dict(data)
        diverged_at = f.moment(data.pop("diverged_at", None), "divergedAt")
        cleaned = f.clean_fields(data, FIELDS, required=("name",))
        diverged_at = diverged_at or parent.current_world_time
        branch, _ = _fork(actor, parent, cleaned, diverged_at, diverged_at, Operation.CREATE)
    return branch


def fork_branch(
    actor: Actor, *, source_branch_id: EntityId, data: Mapping[str, object]
) -> tuple[Branch, int]:
    """A child of ``source_branch_id`` holding a copy of its rows, diverging at ``world_time``;
    the child's clock starts at the source's. Returns the child and the number of rows copied."""
    entities.require_authenticated(actor)
    with transaction.atomic():
        source = load_branch(actor, source_branch_id, WRITE, field="sourceBranchId")
        # Held like a new branch's parent (see create_branch).
        entities.hold(source, NotFound.entity("branch", source_branch_id, "sourceBranchId"))
        data = dict(data)
        world_time = f.moment(data.pop("world_time", None), "worldTime")
        if world_time is None:
            raise ValidationError("worldTime is required", field="worldTime")
        if source.diverged_at is not None and world_time < source.diverged_at:
            raise ValidationError(
                "worldTime is before the source branch itself diverged", field="worldTime"
            )
        cleaned = f.clean_fields(data, FIELDS, required=("name",))
        return _fork(actor, source, cleaned, world_time, source.current_world_time, Operation.FORK)


def _fork(
    actor: Actor,
    parent: Branch,
    cleaned: dict[str, Any],
    diverged_at: datetime.datetime | None,
    clock: datetime.datetime | None,
    operation: str,
) -> tuple[Branch, int]:
    """Make the child branch and copy the parent's rows into it, in the caller's transaction.

    The fork point is the last history id of the whole campaign history, not only the parent's:
    a read that falls back from the child to the parent, and from there to the grandparent,
    caps every level at it (``campaign.time_travel``)."""
    branch = Branch(
        campaign=parent.campaign,
        parent=parent,
        diverged_at=diverged_at,
        current_world_time=clock,
        fork_point=Version.objects.aggregate(last=Max("id"))["last"] or 0,
        **cleaned,
    )
    if _name_taken(branch, branch.name):
        raise _name_in_use(branch.name)
    _save(branch)
    copied = copy_rows(parent, branch)
    _write(actor, branch, operation, None)
    return branch, copied


def update_branch(
    actor: Actor,
    *,
    branch_id: EntityId,
    data: Mapping[str, object],
    expected_version: int | None = None,
) -> Branch:
    branch = load_branch(actor, branch_id, WRITE)
    cleaned = f.clean_fields(data, FIELDS)
    if "name" in cleaned and _name_taken(branch, cleaned["name"]):
        raise _name_in_use(cleaned["name"])
    with transaction.atomic():
        try:
            with transaction.atomic():  # a savepoint: a concurrent rename may win the name
                previous, updated = entities.compare_and_set(
                    branch,
                    cleaned,
                    expected_version=expected_version,
                    missing=NotFound.entity("branch", branch_id),
                    conflict=lambda expected, actual: entities.stale(
                        "Branch", branch, expected, actual
                    ),
                )
        except IntegrityError as exc:
            if "name" in cleaned and _name_taken(branch, cleaned["name"]):
                raise _name_in_use(cleaned["name"]) from exc
            raise
        _write(actor, updated, Operation.UPDATE, previous)
    return updated


def delete_branch(actor: Actor, *, branch_id: EntityId) -> Branch:
    """Refused for the main branch and for a branch with live children."""
    branch = load_branch(actor, branch_id, MANAGE)
    if branch.is_main:
        raise ValidationError("The main branch cannot be deleted", field="id")
    with transaction.atomic():
        # Held (after its campaign, as a new child branch holds them) so that no child branch
        # is made between the check and the delete.
        entities.hold(branch, NotFound.entity("branch", branch_id))
        if branch.children.exists():
            raise ValidationError("Delete this branch's child branches first", field="id")
        previous = snapshot(branch)
        branch.deleted_at = timezone.now()
        branch.save(update_fields=["deleted_at", "updated_at"])
        _write(actor, branch, Operation.DELETE, previous)
    return branch
