"""Branch records. Forking (copying the parent's rows) and merging come with the branching work."""

from collections.abc import Mapping
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from campaign.actions import entities, history
from campaign.actions import fields as f
from campaign.models import Branch, Operation, Role
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


def load_branch(actor: Actor, branch_id: EntityId, minimum: Role = READ) -> Branch:
    entities.require_authenticated(actor)
    branch = (
        Branch.objects.filter(pk=entities.parse_id(branch_id, "branchId"))
        .select_related("campaign")
        .first()
    )
    if branch is None:
        raise NotFound.entity("branch", branch_id)
    require_role(actor, branch.campaign, minimum, NotFound.entity("branch", branch_id))
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
        branch = Branch(
            campaign=parent.campaign,
            parent=parent,
            diverged_at=diverged_at,
            current_world_time=diverged_at,
            fork_point=parent.versions.order_by("-id").values_list("id", flat=True).first(),
            **cleaned,
        )
        if _name_taken(branch, branch.name):
            raise _name_in_use(branch.name)
        _save(branch)
        _write(actor, branch, Operation.CREATE, None)
    return branch


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
