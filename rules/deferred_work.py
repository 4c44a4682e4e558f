"""Deferred work, scheduled: something to be done once, when a branch's world time reaches it.

Two things are deferred. A GM defers an effect to a world time (``defer_effect``, the original's
``queueDeferredEffect(effectId, executeAt)`` measured in world time instead of wall-clock
milliseconds); and resolution leaves a ``triggers`` target scheduled later than the world time of
its source's completion to the clock (``defer_triggered``), in the resolution's transaction, so a
dry run, rolled back, leaves nothing scheduled. Each is a ``DeferredWork`` row, created audited;
the scheduler (``scheduler.deferred``) claims and fires the rows that fall due.
"""

import datetime
from typing import Any

from django.db import IntegrityError, transaction

from campaign.actions import entities, history
from campaign.actions import fields as f
from campaign.models import Branch, Operation
from campaign.permissions import WRITE
from kernel.actor import Actor
from kernel.dates import InstantInput
from kernel.errors import ValidationError
from kernel.ids import EntityId
from rules.availability import Occurrence
from rules.models import DeferredWork, Effect

AUDIT_TYPE = "deferred_work"


def defer_effect(
    actor: Actor, *, effect_id: EntityId, at: InstantInput | None, branch_id: EntityId | None = None
) -> DeferredWork:
    """Fire the active effect ``effect_id`` once the branch's world time reaches ``at`` (GM or
    owner); ``at`` must be later than the branch's clock."""
    due = f.moment(at, "at")
    if due is None:
        raise ValidationError("at is required", field="at")
    with transaction.atomic():
        effect: Effect = entities.load(
            actor, "effect", effect_id, branch_id=branch_id, minimum=WRITE, field="effectId"
        )
        if not effect.is_active:
            raise ValidationError(f"Effect {effect.uid} is not active", field="effectId")
        now = Branch.objects.select_for_update().get(pk=effect.branch_id).current_world_time
        if now is None:
            raise ValidationError(
                "An effect is deferred in world time, and the branch's world time is not set",
                field="at",
            )
        if due <= now:
            raise ValidationError(
                f"at must be after the branch's world time {now.isoformat()}", field="at"
            )
        try:
            with transaction.atomic():
                row = DeferredWork.objects.create(
                    branch=effect.branch,
                    entity_type=DeferredWork.Kind.EFFECT,
                    entity_uid=effect.uid,
                    due_at=due,
                    scheduled_by="deferEffect",
                    created_by=actor.user,
                )
        except IntegrityError as exc:
            raise ValidationError(
                f"Effect {effect.uid} is already deferred to {due.isoformat()}", field="at"
            ) from exc
        audit(actor, row, Operation.CREATE, None)
        return row


def defer_triggered(*, source: Occurrence, target: Occurrence, due_at: datetime.datetime) -> None:
    """Leave ``target``, triggered by ``source``'s completion, to be completed at ``due_at``, in
    the caller's transaction; a target already left to that time is left once."""
    row, created = DeferredWork.objects.get_or_create(
        branch_id=target.branch_id,
        entity_type=target.entity_type,
        entity_uid=target.uid,
        due_at=due_at,
        defaults={"scheduled_by": f"{source.entity_type}:{source.uid}"},
    )
    if created:
        system = Actor.system(reason=f"Triggered by {source.entity_type} {source.uid}")
        audit(system, row, Operation.CREATE, None)


def snapshot(row: DeferredWork) -> dict[str, Any]:
    """The row as its audit entries show it."""
    return {
        "entity_type": row.entity_type,
        "entity_id": str(row.entity_uid),
        "due_at": row.due_at.isoformat(),
        "scheduled_by": row.scheduled_by,
        "done_at": row.done_at.isoformat() if row.done_at else None,
        "error": row.error,
    }


def audit(actor: Actor, row: DeferredWork, operation: str, before: dict[str, Any] | None) -> None:
    """Record a change of ``row`` (its creation, or its outcome) in the audit log, unversioned."""
    branch = Branch.objects.select_related("campaign").get(pk=row.branch_id)
    history.record(
        actor,
        history.Change(
            entity_type=AUDIT_TYPE,
            entity_id=str(row.uid),
            operation=operation,
            previous=before,
            new=snapshot(row),
            campaign=branch.campaign,
            branch=branch,
            versioned=False,
        ),
    )
