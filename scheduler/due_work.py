"""Work that falls due in world time, fired in the order it fell due.

Due work lives in rows, not in long Celery countdowns (DESIGN §9): recurring effects whose
``next_due_at`` the branch clock has reached, deferred effects and triggered events or encounters
(``rules.models.DeferredWork``, fired by ``scheduler.deferred``) whose ``due_at`` it has reached,
and events overdue past the grace period (``campaign.world_time.overdue_events``), which are
expired. Of items due at the same world time,
deferred work goes first (a triggered event is completed before the grace that would expire it),
then recurring effects. ``fire_due`` takes one item at a time,
earliest first, each in its own transaction holding the item's row, claimed with
``SELECT … FOR UPDATE SKIP LOCKED``, and a runner that dies rolls back only the item it was on.
Each item's transaction also holds the branch row (``FOR NO KEY UPDATE SKIP LOCKED``, which
writes referring to the branch do not wait for): a second runner on the branch stops instead of
firing a later item while an earlier one is under way, so items that build on each other (an
effect testing what the one before wrote) apply in world-time order, never twice.
"""

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.db.models import DateTimeField, ExpressionWrapper, F, QuerySet

from campaign import world_time
from campaign.actions import events
from campaign.models import Branch, Event
from kernel.actor import Actor
from kernel.errors import DomainError
from rules.models import DeferredWork
from scheduler import deferred
from scheduler.models import RecurringEffect
from scheduler.recurring import apply_due, suspend

# One run fires at most this many items; a bigger backlog is taken up by the next run.
MAX_ITEMS_PER_RUN = 10_000
EXPIRY = Actor.system(reason="Expired by the scheduler: overdue past the grace period")


@dataclass(frozen=True)
class Fired:
    """One item of due work, done: what it was and the world time it was due."""

    # "recurring_effect", "recurring_effect_suspended", "event_expired", or a deferred item's
    # "deferred_<effect|event|encounter>" ("…_failed" when it could not be done)
    kind: str
    entity_id: str
    due_at: datetime.datetime


def due_recurring(branch: Branch, now: datetime.datetime) -> QuerySet[RecurringEffect]:
    return RecurringEffect.objects.filter(
        branch=branch, is_active=True, archived_at__isnull=True, next_due_at__lte=now
    ).order_by("next_due_at", "pk")


def fire_due(branch_id: object, *, limit: int = MAX_ITEMS_PER_RUN) -> list[Fired]:
    """Fire the branch's due work, earliest first, until none is left (or ``limit``)."""
    fired: list[Fired] = []
    while len(fired) < limit:
        with transaction.atomic():
            item = _fire_next(branch_id)
        if item is None:
            break
        fired.append(item)
    return fired


def _fire_next(branch_id: object) -> Fired | None:
    branch = (
        Branch.objects.select_for_update(no_key=True, skip_locked=True)
        .filter(pk=branch_id, deleted_at__isnull=True)
        .first()
    )
    if branch is None or branch.current_world_time is None:
        return None
    now = branch.current_world_time
    recurring = due_recurring(branch, now).select_for_update(skip_locked=True).first()
    event = world_time.overdue_events(branch).select_for_update(skip_locked=True).first()
    work = deferred.due(branch, now).select_for_update(skip_locked=True).first()
    # (due time, rank on a tie, item): deferred work, then recurring effects, then expiries.
    candidates: list[tuple[datetime.datetime, int, DeferredWork | RecurringEffect | Event]] = []
    if work is not None:
        candidates.append((work.due_at, 0, work))
    if recurring is not None:
        candidates.append((recurring.next_due_at, 1, recurring))
    if event is not None and event.scheduled_at is not None:
        candidates.append((event.scheduled_at, 2, event))
    if not candidates:
        return None
    _, _, first = min(candidates, key=lambda candidate: candidate[:2])
    if isinstance(first, DeferredWork):
        done = deferred.fire(first)
        outcome = "_failed" if done.error else ""
        return Fired(f"deferred_{done.entity_type}{outcome}", str(done.entity_uid), done.due_at)
    if isinstance(first, Event):
        events.expire_event(EXPIRY, event_id=first.uid, branch_id=branch.pk)
        return Fired("event_expired", str(first.uid), first.scheduled_at or now)
    due = first.next_due_at
    try:
        with transaction.atomic():  # a savepoint: a refused application leaves nothing
            apply_due(first, now)
    except DomainError as exc:
        suspend(first, exc)
        return Fired("recurring_effect_suspended", str(first.uid), due)
    return Fired("recurring_effect", str(first.uid), due)


def pending(branch: Branch) -> int:
    """How many items are due on the branch now (a recurring effect counts once per period)."""
    now = branch.current_world_time
    if now is None:
        return 0
    periods = sum(
        (now - effect.next_due_at) // datetime.timedelta(days=effect.period_days) + 1
        for effect in due_recurring(branch, now).only("next_due_at", "period_days")
    )
    work = deferred.due(branch, now)
    # A triggered event due before its grace ran out is completed, not expired: counted once.
    overdue = world_time.overdue_events(branch).exclude(
        uid__in=work.filter(entity_type=DeferredWork.Kind.EVENT).values("entity_uid")
    )
    return periods + work.count() + overdue.count()


def branches_with_due_work() -> list[object]:
    """The ids of every branch with work due now."""
    clock = F("branch__current_world_time")
    recurring = RecurringEffect.objects.filter(
        is_active=True,
        archived_at__isnull=True,
        branch__deleted_at__isnull=True,
        next_due_at__lte=clock,
    ).values_list("branch_id", flat=True)
    overdue = Event.objects.filter(
        is_completed=False,
        archived_at__isnull=True,
        branch__deleted_at__isnull=True,
        scheduled_at__lt=ExpressionWrapper(
            clock - world_time.OVERDUE_GRACE, output_field=DateTimeField()
        ),
    ).values_list("branch_id", flat=True)
    work = DeferredWork.objects.filter(
        done_at__isnull=True, branch__deleted_at__isnull=True, due_at__lte=clock
    ).values_list("branch_id", flat=True)
    return sorted(set(recurring) | set(overdue) | set(work), key=str)
