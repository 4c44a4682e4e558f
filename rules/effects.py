"""Applying effects: the one path a JSON Patch takes to the entity it changes.

``apply_patch`` applies a payload to its target through the target's own update action, so an
effect's change is validated, authorized, compare-and-set against the version the patch was
computed on, versioned, audited and announced after commit exactly like a change made by hand.
Effects of a resolution (``rules.resolution``), ``executeEffect`` and ``executeEffectsForEntity``
run through ``Run``: one effect after the other, each seeing what the previous one wrote, one
``EffectExecution`` per effect; the first effect that cannot apply stops the run and (outside a
dry run) rolls back everything the caller's transaction did, naming the effect and the reason.
A dry run does the same work in a transaction it rolls back, so it reports exactly what a real
run would do.
"""

import datetime
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, TypeVar

from django.db import models, transaction

from campaign.actions import (
    characters,
    entities,
    events,
    kingdoms,
    parties,
    settlements,
    structures,
)
from campaign.actions import fields as f
from campaign.permissions import WRITE
from kernel.actor import Actor
from kernel.errors import DomainError, ValidationError
from kernel.ids import EntityId
from rules import actions
from rules.models import Effect, EffectExecution
from rules.models.effects import EffectTiming
from rules.models.kinds import Occurrence
from rules.patches import affected_fields, changed_fields, document, patched, validate_patch

T = TypeVar("T")

# Each target type's update action, and the name it takes the target's id by.
UPDATES: dict[str, tuple[Callable[..., models.Model], str]] = {
    "settlement": (settlements.update_settlement, "settlement_id"),
    "structure": (structures.update_structure, "structure_id"),
    "kingdom": (kingdoms.update_kingdom, "kingdom_id"),
    "party": (parties.update_party, "party_id"),
    "character": (characters.update_character, "character_id"),
    "event": (events.update_event, "event_id"),
    "encounter": (events.update_encounter, "encounter_id"),
    "state_variable": (actions.update_state_variable, "variable_id"),
}


@dataclass(frozen=True)
class Applied:
    """A patch applied: the target as written (unchanged when the patch changed nothing) and
    its patchable document before and after."""

    target: models.Model
    before: dict[str, Any]
    after: dict[str, Any]


def apply_patch(
    actor: Actor,
    *,
    target_type: str,
    target_id: EntityId,
    branch_id: EntityId,
    payload: list[dict[str, Any]],
    world_time: datetime.datetime | None = None,
) -> Applied:
    """Apply ``payload`` to the ``target_type`` entity ``target_id`` of ``branch_id`` through its
    update action. A patch that changes nothing (only ``test`` operations, or values already
    there) writes nothing."""
    validate_patch(payload, target_type)
    target = entities.load(actor, target_type, target_id, branch_id=branch_id, minimum=WRITE)
    before = document(target_type, target)
    after = patched(before, payload)
    changes = changed_fields(target_type, before, after)
    if not changes:
        return Applied(target, before, after)
    update, id_name = UPDATES[target_type]
    # The patch was computed on this version: a writer in between is a conflict, not lost.
    options: dict[str, Any] = {"branch_id": branch_id, "expected_version": target.version}
    if target_type != "state_variable":  # rules have no world time of their own
        options["world_time"] = world_time
    written = update(actor, **{id_name: target_id}, data=changes, **options)
    return Applied(written, before, document(target_type, written))


@dataclass(frozen=True)
class EffectResult:
    """What one effect did (or, in a dry run, would do)."""

    effect: Effect
    success: bool
    execution_id: int | None = None
    patch_applied: list[dict[str, Any]] | None = None
    affected_fields: list[str] = field(default_factory=list)
    before: dict[str, Any] | None = None
    after: dict[str, Any] | None = None
    error: str | None = None


@dataclass(frozen=True)
class Summary:
    """The effects of one timing, in the order they ran."""

    results: list[EffectResult]

    @property
    def total(self) -> int:
        return len(self.results)

    @property
    def succeeded(self) -> int:
        return sum(1 for r in self.results if r.success)

    @property
    def failed(self) -> int:
        return self.total - self.succeeded

    @property
    def execution_order(self) -> list[str]:
        return [str(r.effect.uid) for r in self.results]


class EffectFailed(DomainError):
    """An effect that could not apply; the error of its cause, told as the effect's."""

    def __init__(self, effect: Effect, cause: DomainError) -> None:
        super().__init__(
            f"Effect {effect.name!r} ({effect.uid}, {effect.timing}) could not be applied:"
            f" {cause.message}. Nothing was written.",
            **{
                **cause.extensions,
                "effectId": str(effect.uid),
                "effectName": effect.name,
                "timing": effect.timing,
                "reason": cause.message,
            },
        )
        self.code = cause.code
        self.result = EffectResult(effect, success=False, error=cause.message)


class _Rehearsed(Exception):
    def __init__(self, value: object) -> None:
        self.value = value


def atomically(work: Callable[[], T], *, dry_run: bool) -> T:
    """``work()`` in one transaction, rolled back when it is a dry run (its result kept); the
    follow-ups it registered with ``on_commit`` go with a rollback."""
    try:
        with transaction.atomic():
            value = work()
            if dry_run:
                raise _Rehearsed(value)
            return value
    except _Rehearsed as rehearsal:
        return rehearsal.value  # type: ignore[return-value]


class Run:
    """Effects run one after the other, each on the state the previous one left.

    The first failure raises ``EffectFailed``; in a dry run it is reported instead, and no later
    effect runs (what it would see is unknown)."""

    def __init__(
        self, actor: Actor, *, dry_run: bool, world_time: datetime.datetime | None = None
    ) -> None:
        self.actor, self.dry_run, self.world_time = actor, dry_run, world_time
        self.failure: EffectFailed | None = None

    def phase(self, effects: Iterable[Effect]) -> Summary:
        results = []
        for effect in effects:
            if self.failure is not None:
                break
            try:
                results.append(self._execute(effect))
            except EffectFailed as failure:
                if not self.dry_run:
                    raise
                self.failure = failure
                results.append(failure.result)
        return Summary(results)

    def _execute(self, effect: Effect) -> EffectResult:
        target_type = effect.patched_type
        try:
            with transaction.atomic():
                applied = apply_patch(
                    self.actor,
                    target_type=target_type,
                    target_id=effect.target_uid or effect.source_uid,
                    branch_id=effect.branch_id,
                    payload=effect.payload,
                    world_time=self.world_time,
                )
        except DomainError as cause:
            raise EffectFailed(effect, cause) from cause
        affected = affected_fields(effect.payload)
        execution = None
        if not self.dry_run:  # a dry run is rolled back: its execution would have no id
            execution = EffectExecution.objects.create(
                effect=effect,
                source_type=effect.source_type,
                source_uid=effect.source_uid,
                executed_by=self.actor.user,
                context={
                    "target": {
                        "type": target_type,
                        "id": str(effect.target_uid or effect.source_uid),
                    },
                    "before": applied.before,
                },
                result={
                    "success": True,
                    "patchApplied": effect.payload,
                    "affectedFields": affected,
                    "before": applied.before,
                    "after": applied.after,
                },
            )
        return EffectResult(
            effect,
            success=True,
            execution_id=execution.pk if execution else None,
            patch_applied=effect.payload,
            affected_fields=affected,
            before=applied.before,
            after=applied.after,
        )


def effects_of(source: models.Model, timing: str) -> Sequence[Effect]:
    """The active effects of an event or encounter at one timing, in run order: priority
    ascending, then oldest first."""
    return list(
        Effect.objects.filter(
            branch_id=source.branch_id,  # type: ignore[attr-defined]
            source_type=source.entity_type,  # type: ignore[attr-defined]
            source_uid=source.uid,  # type: ignore[attr-defined]
            timing=timing,
            is_active=True,
        ).order_by("priority", "created_at", "pk")
    )


def execute_effect(
    actor: Actor,
    *,
    effect_id: EntityId,
    branch_id: EntityId | None = None,
    context: object = None,
    dry_run: bool = False,
) -> EffectResult:
    """Apply one active effect to its target now (GM or owner)."""
    if context is not None:
        # The original let a caller hand in the entity to patch and then wrote that.
        raise ValidationError(
            "context is not accepted: an effect applies to its target as stored",
            field="context",
        )
    effect: Effect = entities.load(
        actor, "effect", effect_id, branch_id=branch_id, minimum=WRITE, field="effectId"
    )
    if not effect.is_active:
        raise ValidationError(f"Effect {effect.uid} is not active", field="effectId")
    run = Run(actor, dry_run=dry_run)
    (result,) = atomically(lambda: run.phase([effect]).results, dry_run=dry_run)
    return result


def execute_effects_for_entity(
    actor: Actor,
    *,
    entity_type: str,
    entity_id: EntityId,
    timing: str,
    branch_id: EntityId | None = None,
    dry_run: bool = False,
) -> Summary:
    """Apply the active effects of an event or encounter at one timing, without resolving it:
    all of them or (the first failure named) none."""
    kind = actions.lower_choice(Occurrence)(entity_type, "entityType")
    when = f.choice(EffectTiming.values)(timing, "timing")
    source = entities.load(
        actor, kind, entity_id, branch_id=branch_id, minimum=WRITE, field="entityId"
    )
    run = Run(actor, dry_run=dry_run)
    return atomically(lambda: run.phase(effects_of(source, when)), dry_run=dry_run)
