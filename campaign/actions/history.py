"""History, audit and follow-up work that every action writes with its change.

``record`` runs inside the action's transaction: if anything after it fails, the Version and the
AuditLog row roll back with the entity row. The follow-ups (cache generation, real-time event) are
scheduled with ``on_commit`` and so only happen for committed changes (steps 6 and 7 of
docs/architecture.md#the-path-of-a-mutation).
"""

import datetime
import functools
from dataclasses import dataclass
from typing import Any

import jsonpatch
from django.db import connection, transaction
from django.db.models.expressions import RawSQL

from campaign import world_time
from campaign.actions import announcements
from campaign.models import (
    AuditLog,
    Branch,
    Campaign,
    LevelChange,
    Location,
    Operation,
    Version,
)
from kernel import compiled, generations
from kernel.actor import Actor
from realtime import publish

Snapshot = dict[str, Any] | None
# Fields every write changes; listing them as "changes" would only hide the real ones.
BOOKKEEPING = frozenset({"updated_at", "version"})
# What lists of campaigns are made of: a campaign's row, its branches' clocks, its members.
CAMPAIGN_LISTS = frozenset({"campaign", "branch", "membership"})


def diff(previous: Snapshot, new: Snapshot) -> list[dict[str, Any]]:
    return jsonpatch.make_patch(previous or {}, new or {}).patch


@dataclass(frozen=True)
class Change:
    """One change to write down: which entity (its type and public id) on which campaign and
    branch, how it changed, and its state before and after.

    ``changes`` overrides the audit row's list of changed fields (by default the fields the
    diff touches); ``versioned`` is False for what has no history of its own (branches,
    memberships, users, API keys), which get an audit row only.
    """

    entity_type: str
    entity_id: str
    operation: str
    previous: Snapshot
    new: Snapshot
    # None for what belongs to no campaign (users, API keys) or to no branch (memberships).
    campaign: Campaign | None = None
    branch: Branch | None = None
    valid_from: datetime.datetime | None = None
    changes: dict[str, Any] | None = None
    versioned: bool = True
    comment: str = ""

    @functools.cached_property
    def patch(self) -> list[dict[str, Any]]:
        """The RFC 6902 patch from ``previous`` to ``new``, made once for the audit row and the
        announcement's changed fields."""
        return diff(self.previous, self.new)


def record(actor: Actor, change: Change) -> None:
    """Write the Version snapshot and the AuditLog row. A deletion's version is a tombstone
    (no snapshot), while its audit row keeps the final state for the record."""
    # Every action writes these rows: their INSERTs are compiled once and sent together
    # (kernel/compiled.py).
    rows = []
    if change.versioned:
        version = Version(
            entity_type=change.entity_type,
            entity_uid=change.entity_id,
            branch=change.branch,
            valid_from=world_time.effective(change.branch, change.valid_from),
            snapshot=None if change.operation == Operation.DELETE else change.new,
            operation=change.operation,
            comment=change.comment or actor.reason,
            author=actor.user,
        )
        rows.append(compiled.NewRow(version, {"sequence": _next_sequence(change)}))
    patch = change.patch
    changes = change.changes if change.changes is not None else _changed_fields(patch, change.new)
    audit = AuditLog(
        entity_type=change.entity_type,
        entity_id=change.entity_id,
        branch=change.branch,
        campaign=change.campaign,
        operation=change.operation,
        actor=actor.user,
        changes=changes,
        previous_state=change.previous,
        new_state=change.new,
        diff=patch,
        reason=actor.reason,
        metadata=actor.metadata,
    )
    compiled.insert(*rows, compiled.NewRow(audit))
    _record_level_change(actor, change)
    if change.campaign is not None:
        # What the campaign records keys its kept audit trails (api/graphql/answers.py).
        generations.bump_on_commit(generations.audit_key(change.campaign.pk))
    if change.entity_type in CAMPAIGN_LISTS:
        generations.bump_on_commit(generations.CAMPAIGNS)


def _next_sequence(change: Change) -> RawSQL:
    """The entity's next history sequence on its branch, computed by the INSERT itself (one
    statement, not a read and a write). Its writers are serialized by the entity's row lock,
    which the caller's transaction holds (a new entity has no history to race on)."""
    params = [change.entity_type, compiled.uuid_parameter(change.entity_id, connection)]
    if change.branch is not None:
        params.append(compiled.uuid_parameter(change.branch.pk, connection))
    return RawSQL(_next_sequence_sql(change.branch is not None), params)


@functools.cache
def _next_sequence_sql(on_a_branch: bool) -> str:
    """The highest sequence read off the end of the unique index (ORDER BY … LIMIT 1: MAX() in a
    subquery takes a GROUP BY here, which reads the entity's whole history). Written out, not a
    ``Subquery`` of a queryset: resolving and compiling that nested query on every write cost
    about 0.7 ms of the write's Python (issue 15)."""
    quote = connection.ops.quote_name

    def column(name: str) -> str:
        return quote(compiled.own_field(Version, name).column)

    branch = f"{column('branch')} = %s" if on_a_branch else f"{column('branch')} IS NULL"
    return (
        f"COALESCE((SELECT {column('sequence')} FROM {quote(Version._meta.db_table)}"
        f" WHERE {column('entity_type')} = %s AND {column('entity_uid')} = %s AND {branch}"
        f" ORDER BY {column('sequence')} DESC LIMIT 1), 0) + 1"
    )


def _changed_fields(patch: list[dict[str, Any]], new: Snapshot) -> dict[str, Any]:
    """The top-level fields a change touched, with their new values (bookkeeping left out)."""
    touched = {op["path"].split("/")[1] for op in patch if op["path"].count("/") >= 1}
    return {name: (new or {}).get(name) for name in sorted(touched - BOOKKEEPING) if name}


def changed_fields(change: Change) -> list[str]:
    return list(_changed_fields(change.patch, change.new))


def _record_level_change(actor: Actor, change: Change) -> None:
    def level(state: Snapshot) -> int | None:
        if not state:
            return None
        return state.get("level", state.get("manual_level_override") or state.get("average_level"))

    new = change.new
    if new is None or not any(k in new for k in ("level", "average_level")):
        return
    old_level, new_level = level(change.previous), level(new)
    if old_level != new_level:
        LevelChange.objects.create(
            entity_type=change.entity_type,
            entity_uid=change.entity_id,
            branch=change.branch,
            old_level=old_level,
            new_level=new_level,
            world_time=world_time.effective(change.branch, change.valid_from),
            reason=actor.reason,
            changed_by=actor.user,
        )


def after_commit(
    actor: Actor,
    change: Change,
    *,
    version: int | None,
    extra_rooms: tuple[str, ...] = (),
    announcement: announcements.Announcement | None = None,
) -> None:
    """Bump the cache generation and announce ``change`` (now at ``version``), once the
    transaction commits: as ``announcement``, by default an ``entity_updated`` event."""
    campaign, branch = change.campaign, change.branch
    if campaign is not None and branch is not None:
        generations.bump_on_commit(generations.key(campaign.pk, branch.pk))
    elif campaign is not None:
        # The campaign itself changed (rules read its name): every branch sees the change.
        campaign_id = campaign.pk

        def bump_all() -> None:
            branch_ids = Branch.objects.filter(campaign_id=campaign_id).values_list("pk", flat=True)
            generations.bump_many(generations.key(campaign_id, b) for b in branch_ids)

        transaction.on_commit(bump_all)
    if change.entity_type == Location.entity_type:
        # The world's map changed: its spatial answers (campaign.spatial) are stale.
        world_id = (change.new or change.previous or {})["world"]
        generations.bump_on_commit(generations.map_key(world_id))
    rooms = list(extra_rooms)
    if campaign is not None:
        rooms.insert(0, publish.room("campaign", campaign.pk))
    if not rooms:
        return
    event_type, payload = announcement or announcements.entity_changed(
        change, version=version, changed=changed_fields(change)
    )
    publish.on_commit(
        rooms,
        publish.make_event(
            event_type,
            payload,
            actorId=str(actor.user_id) if actor.user_id else None,
            source="api",
        ),
    )
