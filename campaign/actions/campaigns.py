import datetime
from collections.abc import Mapping
from typing import Any

from django.db import IntegrityError, transaction

from campaign import world_time
from campaign.actions import announcements, entities, history, kinds
from campaign.actions import fields as f
from campaign.models import (
    Branch,
    Campaign,
    CampaignMembership,
    Operation,
    Role,
    User,
)
from campaign.permissions import MANAGE, WRITE, require_creator
from kernel import generations
from kernel.actor import Actor
from kernel.dates import InstantInput, parse_instant
from kernel.errors import Conflict, NotFound, ValidationError
from kernel.ids import EntityId
from kernel.snapshots import snapshot

MAIN_BRANCH_NAME = "main"

FIELDS: dict[str, f.Cleaner] = {
    "name": f.name,
    "settings": f.json_object,
    "is_active": f.boolean,
    "srid": f.integer(1, 999_999),
}


def create_campaign(
    actor: Actor,
    *,
    world_id: EntityId,
    data: Mapping[str, object],
    current_world_time: datetime.datetime | None = None,
) -> Campaign:
    """A campaign and its main branch, whose clock starts at ``current_world_time``.

    Needs a user session or an unrestricted API key with the "admin" scope (``require_creator``).
    """
    owner = require_creator(actor)
    with transaction.atomic():
        # The world's owner only: owning a campaign lets one edit the world's map, so a member
        # of another campaign in the world must not be able to start one. Held against a
        # concurrent delete of the world, which refuses while the world has campaigns.
        world = entities.load(actor, "world", world_id, minimum=MANAGE, field="worldId", lock=True)
        cleaned = f.clean_fields(data, FIELDS, required=("name",))
        start = f.moment(current_world_time, "currentWorldTime")
        campaign = entities.save_new(actor, instance=Campaign(world=world, owner=owner, **cleaned))
        Branch.objects.create(campaign=campaign, name=MAIN_BRANCH_NAME, current_world_time=start)
    return campaign


def update_campaign(
    actor: Actor,
    *,
    campaign_id: EntityId,
    data: Mapping[str, object],
    expected_version: int | None = None,
) -> Campaign:
    campaign = entities.load(actor, "campaign", campaign_id, minimum=WRITE)
    cleaned = f.clean_fields(data, FIELDS)
    return entities.update(
        actor, instance=campaign, changes=cleaned, expected_version=expected_version
    )


def delete_campaign(
    actor: Actor, *, campaign_id: EntityId, expected_version: int | None = None
) -> Campaign:
    """Soft-delete the campaign with everything on every one of its branches, atomically (the
    owner's decision: deleting the campaign deletes its content)."""
    campaign = entities.load(actor, "campaign", campaign_id, minimum=MANAGE)
    with transaction.atomic():
        campaign = entities.delete_with_descendants(
            actor, instance=campaign, expected_version=expected_version
        )
        # Everything on every branch, each cascading further: kingdoms take their settlements
        # and structures, events and encounters their links.
        for model in kinds.campaign_content():
            for row in model.objects.filter(branch__campaign=campaign).select_related("branch"):
                entities.delete_with_descendants(actor, instance=row)
        for branch in Branch.objects.filter(campaign=campaign):
            previous = snapshot(branch)
            branch.deleted_at = campaign.deleted_at
            branch.save(update_fields=["deleted_at", "updated_at"])
            # What was kept of the branch, its empty lists included, goes with it.
            generations.bump_on_commit(generations.key(campaign.pk, branch.pk))
            history.record(
                actor,
                history.Change(
                    entity_type="branch",
                    entity_id=str(branch.pk),
                    operation=Operation.DELETE,
                    previous=previous,
                    new=snapshot(branch),
                    campaign=campaign,
                    branch=branch,
                    versioned=False,
                    changes={"cascadedFrom": f"campaign:{campaign.pk}"},
                ),
            )
    return campaign


# --- Membership (owner only) -------------------------------------------------------------------

MEMBER_ROLES = (Role.GM, Role.PLAYER, Role.VIEWER)


def _clean_role(role: object) -> Role:
    for member_role in MEMBER_ROLES:
        if role == member_role:
            return member_role
    raise ValidationError(
        f"role must be one of {', '.join(MEMBER_ROLES)}; the owner is set by ownership",
        field="role",
    )


def _audit_membership(
    actor: Actor,
    campaign: Campaign,
    membership: CampaignMembership,
    operation: str,
    previous: dict[str, Any] | None,
    new: dict[str, Any] | None,
) -> None:
    change = history.Change(
        entity_type="membership",
        entity_id=str(membership.user_id),
        operation=operation,
        previous=previous,
        new=new,
        campaign=campaign,
        versioned=False,
    )
    history.record(actor, change)
    # Announced so that open sockets re-check who may still hear the campaign's rooms.
    history.after_commit(actor, change, version=None)


def _member_state(membership: CampaignMembership) -> dict[str, Any]:
    return {"userId": str(membership.user_id), "role": membership.role}


def add_member(
    actor: Actor, *, campaign_id: EntityId, user_id: EntityId, role: object
) -> CampaignMembership:
    campaign = entities.load(actor, "campaign", campaign_id, minimum=MANAGE, field="campaignId")
    role = _clean_role(role)
    user = User.objects.filter(pk=entities.parse_id(user_id, "userId"), is_active=True).first()
    if user is None:
        raise NotFound.entity("user", user_id)
    if user.pk == campaign.owner_id:
        raise ValidationError("The owner is already a member of the campaign", field="userId")
    already = ValidationError("This user is already a member", field="userId")
    with transaction.atomic():
        if CampaignMembership.objects.filter(user=user, campaign=campaign).exists():
            raise already
        try:
            with transaction.atomic():  # a savepoint: a concurrent add wins the unique index
                membership = CampaignMembership.objects.create(
                    user=user, campaign=campaign, role=role
                )
        except IntegrityError as exc:
            raise already from exc
        _audit_membership(
            actor, campaign, membership, Operation.CREATE, None, _member_state(membership)
        )
    return membership


def update_member(
    actor: Actor, *, campaign_id: EntityId, user_id: EntityId, role: object
) -> CampaignMembership:
    campaign = entities.load(actor, "campaign", campaign_id, minimum=MANAGE, field="campaignId")
    role = _clean_role(role)
    with transaction.atomic():
        membership = _membership(campaign, user_id)
        previous = _member_state(membership)
        membership.role = role
        membership.save(update_fields=["role", "updated_at"])
        _audit_membership(
            actor, campaign, membership, Operation.UPDATE, previous, _member_state(membership)
        )
    return membership


def remove_member(actor: Actor, *, campaign_id: EntityId, user_id: EntityId) -> CampaignMembership:
    campaign = entities.load(actor, "campaign", campaign_id, minimum=MANAGE, field="campaignId")
    with transaction.atomic():
        membership = _membership(campaign, user_id)
        _audit_membership(
            actor, campaign, membership, Operation.DELETE, _member_state(membership), None
        )
        membership.delete()
    return membership


def _membership(campaign: Campaign, user_id: EntityId) -> CampaignMembership:
    membership = (
        CampaignMembership.objects.select_for_update()
        .filter(campaign=campaign, user_id=entities.parse_id(user_id, "userId"))
        .first()
    )
    if membership is None:
        raise NotFound(f"User {user_id} is not a member of this campaign", field="userId")
    return membership


def advance_world_time(
    actor: Actor,
    *,
    campaign_id: EntityId,
    to: InstantInput | None,
    branch_id: EntityId | None = None,
    expected_version: int | None = None,
) -> tuple[datetime.datetime | None, Branch]:
    """Move a branch's clock forward (never back, never before its calendar's epoch); the time
    it moved from and the branch. Due work fires through the scheduler."""
    campaign = entities.load(actor, "campaign", campaign_id, minimum=WRITE, field="campaignId")
    target = f.moment(to, "to")
    if target is None:
        raise ValidationError("to is required", field="to")
    calendar = world_time.calendar_of(campaign)
    if calendar is not None and target < calendar.epoch:
        raise ValidationError(
            f"to {target.isoformat()} is before the epoch of the calendar {calendar.name!r}"
            f" ({calendar.epoch.isoformat()})",
            field="to",
        )

    def forward(current: Branch) -> dict[str, object]:
        if current.current_world_time is not None and target <= current.current_world_time:
            raise ValidationError(
                "Cannot advance time to the past: the new time must be after the current world"
                f" time {current.current_world_time.isoformat()}",
                field="to",
            )
        return {"current_world_time": target}

    with transaction.atomic():
        branch = entities.resolve_branch(actor, campaign, branch_id, WRITE)
        previous, branch = entities.compare_and_set(
            branch,
            forward,
            expected_version=expected_version,
            missing=NotFound.entity("branch", branch.pk),
            conflict=lambda expected, actual: Conflict(
                "The branch clock was changed by someone else",
                expected_version=expected,
                actual_version=actual,
            ),
        )
        new = snapshot(branch)
        change = history.Change(
            entity_type="branch",
            entity_id=str(branch.pk),
            operation=Operation.UPDATE,
            previous=previous,
            new=new,
            campaign=campaign,
            branch=branch,
            versioned=False,
            changes={
                "previousWorldTime": previous["current_world_time"],
                "currentWorldTime": new["current_world_time"],
            },
        )
        history.record(actor, change)
        history.after_commit(
            actor,
            change,
            version=branch.version,
            announcement=announcements.world_time_changed(
                change,
                version=branch.version,
                previous=previous["current_world_time"],
                new=new["current_world_time"],
            ),
        )
    moved_from = previous["current_world_time"]
    return (parse_instant(moved_from) if moved_from else None), branch
