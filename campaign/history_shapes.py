"""History and audit rows as clients read them: snapshots in the API's casing, and the original's
top-level diff next to the RFC 6902 patch.

Snapshots are stored as the actions write them (``kernel.snapshots``), keyed by model field name
(``kingdom``, ``created_at``), because merges, forks and time travel read them in that form.
Everything a client reads — the GraphQL ``Audit`` and ``Version`` types, ``versionDiff`` and the
audit export — goes through this module, which names each top-level key as the entity's GraphQL
field does (``kingdomId``, ``createdAt``). Keys inside a value (a ``variables`` dict, chosen by
users) are never re-cased. docs/decisions.md ("Snapshots stored as written, re-cased for
clients") says why the conversion is made here.
"""

import functools
from typing import Any

import jsonpatch
from django.db import models

from campaign.actions.kinds import KINDS
from campaign.models import AuditLog, Branch, Version

State = dict[str, Any]

# Columns the API names otherwise than the camelCase of the field (a foreign key: of its
# ``…_id``): the names of the original contract, which the GraphQL types keep.
RENAMED: dict[str, dict[str, str]] = {
    "character": {"character_class": "class", "is_npc": "isNPC"},
    "location": {"parent": "parentLocationId", "geometry": "geojson"},
    "field_condition": {
        "target_type": "entityType",
        "target_uid": "entityId",
        "created_by": "createdBy",
        "updated_by": "updatedBy",
    },
    "condition": {"target_type": "entityType", "target_uid": "entityId"},
    "effect": {"source_type": "entityType", "source_uid": "entityId", "target_uid": "targetId"},
    "state_variable": {
        "scope_uid": "scopeId",
        "created_by": "createdBy",
        "updated_by": "updatedBy",
    },
}


def camel_case(name: str) -> str:
    head, *rest = name.split("_")
    return head + "".join(part[:1].upper() + part[1:] for part in rest)


@functools.cache
def public_names(entity_type: str) -> dict[str, str]:
    """Snapshot key → API key for one entity type (empty for audit-only subjects such as users,
    API keys and memberships, whose states are written in the API's casing already)."""
    kind = KINDS.get(entity_type)
    model: type[models.Model] | None = kind.model if kind else None
    if entity_type == Branch.entity_type:
        model = Branch
    if model is None:
        return {}
    names = {
        f.name: camel_case(f.attname if isinstance(f, models.ForeignKey) else f.name)
        for f in model._meta.concrete_fields
    }
    return names | RENAMED.get(entity_type, {})


def public_state(entity_type: str, state: State | None) -> State | None:
    """``state`` with its own keys in the API's casing; a key of no current column (an older
    snapshot's) is camel-cased all the same."""
    if state is None:
        return None
    names = public_names(entity_type)
    return {names.get(key) or camel_case(key): value for key, value in state.items()}


def top_level_diff(before: State | None, after: State | None) -> dict[str, State]:
    """The original's diff of two states, on their top-level keys: ``added`` and ``removed``
    keys with their value, and ``modified`` ones as ``{old, new}`` (the whole top-level value,
    however deep the change)."""
    before, after = before or {}, after or {}
    return {
        "added": {key: value for key, value in after.items() if key not in before},
        "modified": {
            key: {"old": before[key], "new": value}
            for key, value in after.items()
            if key in before and not same_json(before[key], value)
        },
        "removed": {key: value for key, value in before.items() if key not in after},
    }


def same_json(a: Any, b: Any) -> bool:
    """Equality of JSON values as JavaScript's deep equality sees it: key order is irrelevant,
    array order is not, and ``true`` is not ``1`` (Python's ``==`` says it is)."""
    return bool(a == b) and _no_bool_for_number(a, b)


def _no_bool_for_number(a: Any, b: Any) -> bool:
    """Given ``a == b`` (so containers of one kind, with the same keys and lengths): whether
    nowhere a boolean faces a number."""
    if isinstance(a, dict):
        return all(_no_bool_for_number(value, b[key]) for key, value in a.items())
    if isinstance(a, list):
        return all(map(_no_bool_for_number, a, b))
    return isinstance(a, bool) is isinstance(b, bool)


def public_patch(entity_type: str, patch: list[dict[str, Any]] | None) -> Any:
    """A stored RFC 6902 patch with the first segment of each pointer (a snapshot key) in the
    API's casing; deeper segments are keys inside a value and stay as they are."""
    if patch is None:
        return None
    names = public_names(entity_type)

    def recase(pointer: str) -> str:
        if not pointer:
            return pointer
        first, slash, rest = pointer[1:].partition("/")
        key = first.replace("~1", "/").replace("~0", "~")
        public = (names.get(key) or camel_case(key)).replace("~", "~0").replace("/", "~1")
        return f"/{public}{slash}{rest}"

    return [
        {**op, **{name: recase(op[name]) for name in ("path", "from") if name in op}}
        for op in patch
    ]


# --- audit rows --------------------------------------------------------------------------------


def previous_state(entry: AuditLog) -> State | None:
    return public_state(entry.entity_type, entry.previous_state)


def new_state(entry: AuditLog) -> State | None:
    return public_state(entry.entity_type, entry.new_state)


def changes(entry: AuditLog) -> Any:
    """The changed fields, named as in the states (actions may also record a summary of their
    own, such as ``{"cascadedFrom": …}``, in the API's casing already)."""
    summary = entry.changes
    return public_state(entry.entity_type, summary) if isinstance(summary, dict) else summary


def diff(entry: AuditLog) -> dict[str, State] | None:
    """The original's ``{added, modified, removed}`` between the row's states (a creation adds
    every field); None when the row records no state at all (a sign-in)."""
    if entry.previous_state is None and entry.new_state is None:
        return None
    # Diffed as stored, then named for the API: renaming keys changes no value.
    stored = top_level_diff(entry.previous_state, entry.new_state)
    return {part: public_state(entry.entity_type, keys) or {} for part, keys in stored.items()}


def patch(entry: AuditLog) -> Any:
    """The same change as an RFC 6902 patch: stored with the row (its ``diff`` column)."""
    return public_patch(entry.entity_type, entry.diff)


# --- versions ----------------------------------------------------------------------------------


def payload(version: Version) -> State | None:
    return public_state(version.entity_type, version.snapshot)


def version_diff(first: Version, second: Version) -> dict[str, Any]:
    """The original's top-level diff from ``first`` to ``second``, and the same change as an
    RFC 6902 patch."""
    before, after = payload(first), payload(second)
    return {
        **top_level_diff(before, after),
        "patch": jsonpatch.make_patch(before or {}, after or {}).patch,
    }
