"""Completing an event and resolving an encounter (GM or owner), in one transaction:

1. lock the row and refuse one already completed or resolved (so of two concurrent
   completions exactly one wins: the other waits for the lock, then sees it completed);
2. refuse while something stands in the way (``rules.availability``: an unmet prerequisite, a
   blocking event that happened, an availability condition that is false) — unless a GM forces
   it, which the completion's audit row records (``metadata.forced``);
3. run its PRE effects, mark it completed (``occurredAt``) or resolved (``resolvedAt``) at the
   branch's world time, else now, then ON_RESOLVE and POST effects: priority order, each effect
   through ``rules.effects.apply_patch`` on what the previous one wrote, one EffectExecution each;
4. complete what it ``triggers``: a target scheduled later than the branch's world time is kept
   as deferred work (``rules.deferred_work.defer_triggered``, in the same transaction, so a dry
   run schedules nothing), which the scheduler completes when the clock reaches it; any other is
   resolved now, in the same transaction.

One failing effect (or triggered target) rolls back everything, the completion included, and the
error names the effect and the reason. A dry run does all of it and rolls it back, returning the
same report. The one function that applies a patch to its target is ``rules.effects.apply_patch``.
"""

import dataclasses
import datetime
from dataclasses import dataclass, field

from django.utils import timezone

from campaign.actions import entities, events
from campaign.models import Event, Link, LinkType
from campaign.permissions import WRITE
from kernel.actor import Actor
from kernel.errors import NotFound, ValidationError
from kernel.ids import EntityId
from rules.availability import Occurrence, describe, is_done, obstacles
from rules.deferred_work import defer_triggered
from rules.effects import Run, Summary, atomically, effects_of
from rules.models.effects import EffectTiming


@dataclass(frozen=True)
class Resolution:
    """What completing an event or resolving an encounter did (or, in a dry run, would do)."""

    entity: Occurrence
    pre: Summary
    on_resolve: Summary
    post: Summary
    dry_run: bool
    forced: list[str] = field(default_factory=list)
    triggered: list["Resolution"] = field(default_factory=list)


def complete_event(
    actor: Actor,
    *,
    event_id: EntityId,
    branch_id: EntityId | None = None,
    dry_run: bool = False,
    force: bool = False,
    world_time: datetime.datetime | None = None,
) -> Resolution:
    """``world_time``: when it happened (default: the branch's clock); the scheduler gives the
    world time a deferred completion fell due."""
    return _resolve(
        actor,
        "event",
        event_id,
        branch_id=branch_id,
        dry_run=dry_run,
        force=force,
        world_time=world_time,
    )


def resolve_encounter(
    actor: Actor,
    *,
    encounter_id: EntityId,
    branch_id: EntityId | None = None,
    dry_run: bool = False,
    force: bool = False,
    world_time: datetime.datetime | None = None,
) -> Resolution:
    return _resolve(
        actor,
        "encounter",
        encounter_id,
        branch_id=branch_id,
        dry_run=dry_run,
        force=force,
        world_time=world_time,
    )


def _resolve(
    actor: Actor,
    kind: str,
    entity_id: EntityId,
    *,
    branch_id: EntityId | None,
    dry_run: bool,
    force: bool,
    world_time: datetime.datetime | None,
) -> Resolution:
    entity: Occurrence = entities.load(actor, kind, entity_id, branch_id=branch_id, minimum=WRITE)
    run = Run(actor, dry_run=dry_run, world_time=world_time or entity.branch.current_world_time)
    return atomically(lambda: _resolve_locked(actor, entity, run, force), dry_run=dry_run)


def _resolve_locked(actor: Actor, entity: Occurrence, run: Run, force: bool) -> Resolution:
    locked = _lock(entity)
    if is_done(locked):
        word = "completed" if isinstance(locked, Event) else "resolved"
        raise ValidationError(f"{describe(locked).capitalize()} is already {word}", field="id")
    standing = [o.message for o in obstacles(locked)]
    if standing and not force:
        verb = "completed" if isinstance(locked, Event) else "resolved"
        raise ValidationError(
            f"{describe(locked).capitalize()} cannot be {verb} yet: {'; '.join(standing)}."
            " A GM may force it.",
            field="id",
            obstacles=standing,
        )
    pre = run.phase(effects_of(locked, EffectTiming.PRE))
    marker = dataclasses.replace(actor, metadata={**actor.metadata, "forced": standing})
    done = _mark(marker if standing else actor, locked, run.world_time)
    on_resolve = run.phase(effects_of(done, EffectTiming.ON_RESOLVE))
    post = run.phase(effects_of(done, EffectTiming.POST))
    triggered = [] if run.failure else _trigger(actor, done, run, force)
    return Resolution(
        entity=_lock(done),
        pre=pre,
        on_resolve=on_resolve,
        post=post,
        dry_run=run.dry_run,
        forced=standing,
        triggered=triggered,
    )


def _lock(entity: Occurrence) -> Occurrence:
    """The row as it is once we hold it (a concurrent completion waits here, then sees it)."""
    locked = (
        type(entity)
        ._base_manager.select_for_update(no_key=True)
        .select_related("branch__campaign")
        .filter(pk=entity.pk, deleted_at__isnull=True)
        .first()
    )
    if locked is None:
        raise NotFound.entity(entity.entity_type, entity.uid, "id")
    return locked


def _mark(actor: Actor, entity: Occurrence, world_time: datetime.datetime | None) -> Occurrence:
    when = world_time or timezone.now()
    if isinstance(entity, Event):
        return events.update_event(
            actor,
            event_id=entity.uid,
            data={"is_completed": True, "occurred_at": when},
            branch_id=entity.branch_id,
            expected_version=entity.version,
        )
    return events.update_encounter(
        actor,
        encounter_id=entity.uid,
        data={"is_resolved": True, "resolved_at": when},
        branch_id=entity.branch_id,
        expected_version=entity.version,
    )


def _trigger(actor: Actor, source: Occurrence, run: Run, force: bool) -> list[Resolution]:
    """Resolve now what ``source`` triggers, or defer it when it is scheduled later in world
    time (link cycles are refused when links are made, so this ends)."""
    links = Link.objects.filter(
        branch_id=source.branch_id,
        link_type=LinkType.TRIGGERS,
        **{f"source_{source.entity_type}": source},
    ).select_related("target_event", "target_encounter")
    now = run.world_time  # the clock, or the world time a deferred completion fell due
    resolved = []
    for link in links.order_by("created_at", "pk"):
        target: Occurrence = link.target  # type: ignore[assignment]
        if is_done(target):
            continue
        if now and target.scheduled_at and target.scheduled_at > now:
            defer_triggered(source=source, target=target, due_at=target.scheduled_at)
            continue
        resolved.append(_resolve_locked(actor, target, run, force))
    return resolved
