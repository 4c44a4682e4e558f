"""Merging one branch into another: one plan, shown by ``preview_merge`` and carried out by
``execute_merge``, for every branch-scoped kind (rules included).

The base of the three-way merge (``campaign.three_way``) is the state the two branches last
shared: the source's state at the last merge between them (either way), else the common
ancestor's state at the fork point (the earlier one, for two siblings). The source and target
states are their histories as they stand, read in bulk (``campaign.time_travel``).
"""

import datetime
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import Max, Q, QuerySet

from campaign.actions import entities, history
from campaign.actions.branches import load_branch
from campaign.actions.fields import moment
from campaign.actions.from_snapshot import field_values
from campaign.actions.kinds import KINDS, Kind
from campaign.branch_copy import branch_scoped
from campaign.models import Branch, MergeHistory, Operation, Role, Version
from campaign.permissions import READ, WRITE
from campaign.three_way import MODIFIED_DELETED, ROOT, Outcome, content, merge, set_path
from campaign.time_travel import EntityKey, latest_ids, snapshots
from kernel.actor import Actor
from kernel.dates import InstantInput
from kernel.errors import ValidationError
from kernel.ids import EntityId


@dataclass
class EntityMerge:
    """One entity the merge changes on the target, or cannot change without a resolution."""

    entity_type: str
    entity_id: str
    outcome: Outcome
    target: dict[str, Any] | None

    @property
    def key(self) -> str:
        return f"{self.entity_type}:{self.entity_id}"


@dataclass
class MergePlan:
    source: Branch
    target: Branch
    common_ancestor: Branch
    history_cap: int
    entities: list[EntityMerge] = field(default_factory=list)

    @property
    def total_conflicts(self) -> int:
        return sum(len(e.outcome.conflicts) for e in self.entities)

    @property
    def total_auto_resolved(self) -> int:
        return sum(len(e.outcome.auto) for e in self.entities)


@dataclass(frozen=True)
class MergeResult:
    merge: MergeHistory
    versions_created: int
    merged_entity_ids: list[str]


def preview_merge(
    actor: Actor,
    *,
    source_branch_id: EntityId,
    target_branch_id: EntityId,
    world_time: InstantInput,
) -> MergePlan:
    source, target = _branches(actor, source_branch_id, target_branch_id, READ)
    return _plan(source, target, _required(world_time))


def execute_merge(
    actor: Actor,
    *,
    source_branch_id: EntityId,
    target_branch_id: EntityId,
    world_time: InstantInput,
    resolutions: Sequence[Mapping[str, object]] = (),
) -> MergeResult:
    """Apply the plan with every conflict resolved, in one transaction: each entity written
    through the generic actions (its version, audit row and event), then the MergeHistory row.
    An unresolved conflict refuses the whole merge."""
    source, target = _branches(actor, source_branch_id, target_branch_id, WRITE)
    with transaction.atomic():
        # Two merges into one target take turns; the second plans against the first's result.
        entities.hold(target, ValidationError("The target branch is gone", field="targetBranchId"))
        when = _required(world_time)
        plan = _plan(source, target, when)
        finals = resolve(plan.entities, resolutions)
        written = apply(actor, target, finals, when)
        record = MergeHistory.objects.create(
            source_branch=source,
            target_branch=target,
            common_ancestor=plan.common_ancestor,
            world_time=when,
            merged_by=actor.user,
            conflicts_count=plan.total_conflicts,
            entities_merged=len(written),
            resolutions=[dict(r) for r in resolutions],
            metadata={"historyCap": plan.history_cap},
        )
        change = history.Change(
            entity_type="branch",
            entity_id=str(target.pk),
            operation=Operation.MERGE,
            previous=None,
            new={
                "sourceBranchId": str(source.pk),
                "targetBranchId": str(target.pk),
                "commonAncestorId": str(plan.common_ancestor.pk),
                "mergedEntityIds": written,
            },
            campaign=target.campaign,
            branch=target,
            versioned=False,
        )
        history.record(actor, change)
    return MergeResult(record, len(written), written)


def merge_history(actor: Actor, *, branch_id: EntityId) -> QuerySet[MergeHistory]:
    branch = load_branch(actor, branch_id, READ)
    return (
        MergeHistory.objects.filter(Q(source_branch=branch) | Q(target_branch=branch))
        .select_related("source_branch", "target_branch")
        .order_by("-merged_at", "-id")
    )


def _branches(
    actor: Actor, source_id: EntityId, target_id: EntityId, minimum: Role
) -> tuple[Branch, Branch]:
    source = load_branch(actor, source_id, READ, field="sourceBranchId")
    target = load_branch(actor, target_id, minimum, field="targetBranchId")
    if source.campaign_id != target.campaign_id:
        raise ValidationError(
            "The source and target branches belong to different campaigns", field="targetBranchId"
        )
    if source.pk == target.pk:
        raise ValidationError("A branch cannot be merged into itself", field="targetBranchId")
    return source, target


def _ancestry(branch: Branch) -> list[Branch]:
    """The branch, its parent, … up to the main branch."""
    chain = [branch]
    while chain[-1].parent_id is not None:
        chain.append(Branch.all_objects.get(pk=chain[-1].parent_id))
    return chain


def _required(world_time: InstantInput) -> datetime.datetime:
    when = moment(world_time, "worldTime")
    if when is None:
        raise ValidationError("worldTime is required", field="worldTime")
    return when


def _plan(source: Branch, target: Branch, when: datetime.datetime) -> MergePlan:
    source_line, target_line = _ancestry(source), _ancestry(target)
    target_ids = {b.pk for b in target_line}
    ancestor = next(b for b in source_line if b.pk in target_ids)
    # The branches just below the common ancestor, on each side that is not the ancestor.
    forks = [
        line[[b.pk for b in line].index(ancestor.pk) - 1]
        for line in (source_line, target_line)
        if line[0].pk != ancestor.pk
    ]
    for fork in forks:
        if fork.diverged_at is not None and when < fork.diverged_at:
            raise ValidationError(
                f"worldTime is before branch {fork.name!r} forked ({fork.diverged_at.isoformat()})",
                field="worldTime",
            )
    cap = Version.objects.aggregate(last=Max("id"))["last"] or 0
    types = [kind.entity_type for kind in branch_scoped()]
    last = (
        MergeHistory.objects.filter(
            Q(source_branch=source, target_branch=target)
            | Q(source_branch=target, target_branch=source)
        )
        .order_by("-id")
        .first()
    )
    if last is not None:
        base = latest_ids(last.source_branch, int(last.metadata["historyCap"]), types)
    else:
        base = latest_ids(ancestor, min(fork.fork_point or 0 for fork in forks), types)
    theirs, ours = latest_ids(source, cap, types), latest_ids(target, cap, types)
    # Only an entity the source changed since the base, and that the target does not already
    # have at that very version, can change the target: the rest is never read.
    changed = [
        key
        for key in base.keys() | theirs.keys()
        if theirs.get(key) != base.get(key) and theirs.get(key) != ours.get(key)
    ]
    states = snapshots(
        version_id
        for key in changed
        for version_id in (base.get(key), theirs.get(key), ours.get(key))
        if version_id is not None
    )

    def state(ids: dict[EntityKey, int], key: EntityKey) -> dict[str, Any] | None:
        version_id = ids.get(key)
        return None if version_id is None else states[version_id]

    plan = MergePlan(source, target, ancestor, cap)
    order = {entity_type: i for i, entity_type in enumerate(types)}
    for key in sorted(changed, key=lambda k: (order[k[0]], k[1])):
        target_state = state(ours, key)
        outcome = merge(state(base, key), state(theirs, key), target_state)
        if outcome.conflicts or outcome.merged != content(target_state):
            plan.entities.append(EntityMerge(*key, outcome, target_state))
    return plan


def resolve(
    merges: list[EntityMerge], resolutions: Sequence[Mapping[str, object]]
) -> list[tuple[EntityMerge, dict[str, Any] | None]]:
    """Each entity's final state, its conflicts filled in from ``resolutions``
    (``{entity_type, entity_id, path, resolved_value}``, the value as JSON text). A resolution
    of something not in conflict, or a conflict left unresolved, is refused: nothing may be
    merged half-decided."""
    by_key: dict[EntityKey, EntityMerge] = {(m.entity_type, m.entity_id): m for m in merges}
    chosen: dict[tuple[str, str, str], Any] = {}
    for i, resolution in enumerate(resolutions):
        key = (str(resolution.get("entity_type", "")).lower(), str(resolution.get("entity_id")))
        path = str(resolution.get("path"))
        entity = by_key.get(key)
        if entity is None or not any(c.path == path for c in entity.outcome.conflicts):
            raise ValidationError(
                f"{key[0]}:{key[1]} has no conflict at {path!r} to resolve",
                field=f"resolutions.{i}.path",
            )
        try:
            chosen[(*key, path)] = json.loads(str(resolution.get("resolved_value")))
        except ValueError as exc:
            raise ValidationError(
                "resolvedValue is not JSON", field=f"resolutions.{i}.resolvedValue"
            ) from exc
    unresolved = [
        f"{m.key} {c.path}"
        for m in merges
        for c in m.outcome.conflicts
        if (m.entity_type, m.entity_id, c.path) not in chosen
    ]
    if unresolved:
        raise ValidationError(
            f"{len(unresolved)} conflict(s) are not resolved: {', '.join(unresolved[:10])}",
            field="resolutions",
        )
    finals: list[tuple[EntityMerge, dict[str, Any] | None]] = []
    for m in merges:
        final = m.outcome.merged
        for c in m.outcome.conflicts:
            value = chosen[(m.entity_type, m.entity_id, c.path)]
            if c.path != ROOT:
                assert final is not None
                set_path(final, c.path, value)
            elif value is None:
                final = None
            elif c.type == MODIFIED_DELETED:
                raise ValidationError(
                    f"{m.key} is deleted on the target and cannot be brought back: resolve it"
                    " with null",
                    field="resolutions",
                )
            elif isinstance(value, dict):
                final = {**(content(m.target) or {}), **(content(value) or {})}
            else:
                raise ValidationError(
                    f"{m.key} at {ROOT} resolves to null or to the entity's fields",
                    field="resolutions",
                )
        finals.append((m, final))
    return finals


def apply(
    actor: Actor,
    target: Branch,
    finals: list[tuple[EntityMerge, dict[str, Any] | None]],
    world_time: datetime.datetime | None,
) -> list[str]:
    """Write each entity's final state on ``target`` through the generic actions (creates in
    kind order, parents first; deletes last, children first); the entities written."""
    written: list[str] = []
    deletes = [(m, f) for m, f in finals if f is None]
    try:
        for m, final in [(m, f) for m, f in finals if f is not None]:
            kind = KINDS[m.entity_type]
            if _write(actor, kind, m, final, target, world_time):
                written.append(m.key)
        for m, _ in reversed(deletes):
            row = KINDS[m.entity_type].model.objects.filter(branch=target, uid=m.entity_id).first()
            if row is not None:  # else gone already, with a parent deleted before it
                entities.delete_with_descendants(actor, instance=row, world_time=world_time)
                written.append(m.key)
    except IntegrityError as exc:
        raise ValidationError(
            f"The merge would break a uniqueness rule of the target branch: {exc}",
            field="sourceBranchId",
        ) from exc
    return written


def _write(
    actor: Actor,
    kind: Kind,
    m: EntityMerge,
    final: dict[str, Any],
    target: Branch,
    world_time: datetime.datetime | None,
) -> bool:
    model: Any = kind.model
    row = model.all_objects.filter(branch=target, uid=m.entity_id).first()
    if row is None:
        values = entities.with_typed_variables(field_values(model, final, target))
        instance = model(branch=target, uid=m.entity_id, **values)
        entities.save_new(actor, instance=instance, world_time=world_time)
        return True
    if row.deleted_at is not None:
        raise ValidationError(
            f"{m.key} is deleted on the target and cannot be brought back", field="resolutions"
        )
    current = content(m.target) or {}
    changed = {k: v for k, v in final.items() if k not in current or current[k] != v}
    if not changed:
        return False
    values = field_values(model, changed, target)
    entities.update(
        actor,
        instance=row,
        changes=lambda locked: entities.with_typed_variables(dict(values), locked),
        world_time=world_time,
        operation=Operation.MERGE,
    )
    return True
