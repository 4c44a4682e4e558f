"""Deferred work: something done once, when a branch's world time reaches it.

Two things are deferred. A GM defers an effect to a world time (``defer_effect``, the original's
``queueDeferredEffect(effectId, executeAt)`` measured in world time instead of wall-clock
milliseconds); and a ``triggers`` link whose target is scheduled later than the world time of its
source's completion leaves the target to the scheduler (``schedule_triggered``, connected to
``rules.signals.trigger_deferred``). Each is a ``DeferredWork`` row that ``scheduler.due_work``
fires in world-time order with the other due work, through the one path each kind has: an
effect through ``rules.effects.Run`` (``apply_patch`` and an ``EffectExecution``), a triggered
target through ``rules.resolution.complete_event`` / ``resolve_encounter``, versioned at the
world time it fell due. A row is marked done, with the error when it could not be done, in the
transaction that does it: it is never done twice, and a failure does not hold up the rest.
"""

import datetime
from typing import Any

from django.db import IntegrityError, transaction
from django.utils import timezone

from campaign.actions import entities, history
from campaign.actions import fields as f
from campaign.models import Branch, Operation
from campaign.permissions import WRITE
from kernel.actor import Actor
from kernel.dates import InstantInput
from kernel.errors import DomainError, ValidationError
from kernel.ids import EntityId
from rules.availability import Occurrence
from rules.effects import Run
from rules.models import Effect
from rules.resolution import complete_event, resolve_encounter
from scheduler.models import DeferredWork

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
        _audit(actor, row, Operation.CREATE, None)
        return row


def schedule_triggered(
    sender: object, *, source: Occurrence, target: Occurrence, due_at: datetime.datetime, **_: Any
) -> None:
    """Keep a triggered target scheduled later as due work (in the resolution's transaction)."""
    row, created = DeferredWork.objects.get_or_create(
        branch_id=target.branch_id,
        entity_type=target.entity_type,
        entity_uid=target.uid,
        due_at=due_at,
        defaults={"scheduled_by": f"{source.entity_type}:{source.uid}"},
    )
    if created:
        _audit(Actor.system(reason=f"Triggered by {source.entity_type} {source.uid}"), row,
               Operation.CREATE, None)  # fmt: skip


def due(branch: Branch, now: datetime.datetime) -> Any:
    return DeferredWork.objects.filter(branch=branch, done_at__isnull=True, due_at__lte=now)


def fire(row: DeferredWork) -> DeferredWork:
    """Do ``row``'s work, in the caller's transaction, which holds the row; what cannot be done
    is rolled back to a savepoint and its reason kept on the row."""
    actor = Actor.system(reason=f"Deferred {row.entity_type} due {row.due_at.isoformat()}")
    before = _snapshot(row)
    try:
        with transaction.atomic():
            _do(actor, row)
    except DomainError as exc:
        row.error = exc.message
    row.done_at = timezone.now()
    row.save(update_fields=["done_at", "error"])
    _audit(actor, row, Operation.UPDATE, before)
    return row


def _do(actor: Actor, row: DeferredWork) -> None:
    if row.entity_type == DeferredWork.Kind.EFFECT:
        effect = Effect.objects.filter(branch_id=row.branch_id, uid=row.entity_uid).first()
        if effect is None or not effect.is_active:
            # Deleted or switched off since: nothing to do, said so (the original retried it).
            raise ValidationError(f"Effect {row.entity_uid} is no longer active", field="effectId")
        Run(actor, dry_run=False, world_time=row.due_at).phase([effect])
    elif row.entity_type == DeferredWork.Kind.EVENT:
        complete_event(
            actor, event_id=row.entity_uid, branch_id=row.branch_id, world_time=row.due_at
        )
    else:
        resolve_encounter(
            actor, encounter_id=row.entity_uid, branch_id=row.branch_id, world_time=row.due_at
        )


def _snapshot(row: DeferredWork) -> dict[str, Any]:
    return {
        "entity_type": row.entity_type,
        "entity_id": str(row.entity_uid),
        "due_at": row.due_at.isoformat(),
        "scheduled_by": row.scheduled_by,
        "done_at": row.done_at.isoformat() if row.done_at else None,
        "error": row.error,
    }


def _audit(actor: Actor, row: DeferredWork, operation: str, before: dict[str, Any] | None) -> None:
    branch = Branch.objects.select_related("campaign").get(pk=row.branch_id)
    history.record(
        actor,
        history.Change(
            entity_type=AUDIT_TYPE,
            entity_id=str(row.uid),
            operation=operation,
            previous=before,
            new=_snapshot(row),
            campaign=branch.campaign,
            branch=branch,
            versioned=False,
        ),
    )
