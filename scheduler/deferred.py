"""Deferred work, fired: each ``DeferredWork`` row (scheduled by ``rules.deferred_work``) whose
world time the branch's clock has reached.

``scheduler.due_work`` fires the rows in world-time order with the other due work, through the
one path each kind has: an effect through ``rules.effects.Run`` (``apply_patch`` and an
``EffectExecution``), a triggered target through ``rules.resolution.complete_event`` /
``resolve_encounter``, versioned at the world time it fell due. A row is marked done, with the
error when it could not be done, in the transaction that does it: it is never done twice, and a
failure does not hold up the rest.
"""

import datetime
from typing import Any

from django.db import transaction
from django.utils import timezone

from campaign.models import Branch, Operation
from kernel.actor import Actor
from kernel.errors import DomainError, ValidationError
from rules.deferred_work import audit, snapshot
from rules.effects import Run
from rules.models import DeferredWork, Effect
from rules.resolution import complete_event, resolve_encounter


def due(branch: Branch, now: datetime.datetime) -> Any:
    return DeferredWork.objects.filter(branch=branch, done_at__isnull=True, due_at__lte=now)


def fire(row: DeferredWork) -> DeferredWork:
    """Do ``row``'s work, in the caller's transaction, which holds the row; what cannot be done
    is rolled back to a savepoint and its reason kept on the row."""
    actor = Actor.system(reason=f"Deferred {row.entity_type} due {row.due_at.isoformat()}")
    before = snapshot(row)
    try:
        with transaction.atomic():
            _do(actor, row)
    except DomainError as exc:
        row.error = exc.message
    row.done_at = timezone.now()
    row.save(update_fields=["done_at", "error"])
    audit(actor, row, Operation.UPDATE, before)
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
