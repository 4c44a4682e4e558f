"""The three-way merge of one entity: its state at the common base, on the source and on the
target (snapshots, None where the entity does not exist or was deleted).

Objects merge key by key, recursively; anything else (numbers, strings, arrays, null) is one
value, compared as a value. A change on one side only is taken; the same change on both sides
is taken once; different changes on both sides are a conflict at that path: BOTH_MODIFIED,
MODIFIED_DELETED (the source changed what the target removed) or DELETED_MODIFIED. An entity
deleted on one side and changed on the other is one conflict at the path ``__root__``.
Merges (``actions/merges.py``) and cherry-picks use this one function.
"""

import json
from dataclasses import dataclass, field
from typing import Any

ROOT = "__root__"
BOTH_MODIFIED = "BOTH_MODIFIED"
MODIFIED_DELETED = "MODIFIED_DELETED"
DELETED_MODIFIED = "DELETED_MODIFIED"
# Keys every write changes or that say where a row is rather than what it is.
BOOKKEEPING = frozenset({"id", "version", "created_at", "updated_at", "deleted_at", "updated_by"})


class _Absent:
    def __repr__(self) -> str:
        return "ABSENT"


ABSENT: Any = _Absent()


@dataclass(frozen=True)
class FieldConflict:
    path: str
    type: str
    base: Any = ABSENT
    source: Any = ABSENT
    target: Any = ABSENT


@dataclass(frozen=True)
class AutoResolved:
    """A change of the source taken without asking (``resolved_to`` is "source")."""

    path: str
    resolved_to: str
    base: Any
    source: Any
    target: Any
    resolved: Any


@dataclass
class Outcome:
    """What the target becomes: ``merged`` (None: deleted or absent), the conflicts left to
    resolve and the changes taken from the source."""

    merged: dict[str, Any] | None
    conflicts: list[FieldConflict] = field(default_factory=list)
    auto: list[AutoResolved] = field(default_factory=list)


def content(snapshot: dict[str, Any] | None) -> dict[str, Any] | None:
    """What a merge compares: the snapshot without its bookkeeping."""
    if snapshot is None:
        return None
    return {k: v for k, v in snapshot.items() if k not in BOOKKEEPING}


def same(a: Any, b: Any) -> bool:
    """Equal as JSON values: key order does not matter, types do (``1`` is not ``true``)."""
    if a is ABSENT or b is ABSENT:
        return a is b
    return json.dumps(a, sort_keys=True) == json.dumps(b, sort_keys=True)


def merge(
    base: dict[str, Any] | None, source: dict[str, Any] | None, target: dict[str, Any] | None
) -> Outcome:
    base, source, target = content(base), content(source), content(target)
    if source is None and target is None:
        return Outcome(None)
    if source is None or target is None:
        return _one_side_gone(base, source, target)
    outcome = Outcome(None)
    outcome.merged = _merge_node([], base if base is not None else {}, source, target, outcome)
    return outcome


def _one_side_gone(
    base: dict[str, Any] | None, source: dict[str, Any] | None, target: dict[str, Any] | None
) -> Outcome:
    if source is None:
        assert target is not None
        if base is None:  # created on the target only
            return Outcome(target)
        if same(base, target):  # deleted on the source only
            return Outcome(None, auto=[AutoResolved(ROOT, "source", base, None, target, None)])
        return Outcome(target, [FieldConflict(ROOT, DELETED_MODIFIED, base, None, target)])
    if base is None:  # created on the source only
        return Outcome(source, auto=[AutoResolved(ROOT, "source", None, source, None, source)])
    if same(base, source):  # deleted on the target only
        return Outcome(None)
    return Outcome(None, [FieldConflict(ROOT, MODIFIED_DELETED, base, source, None)])


def _merge_node(path: list[str], base: Any, source: Any, target: Any, outcome: Outcome) -> Any:
    if same(source, target):
        return source
    if isinstance(source, dict) and isinstance(target, dict) and not _is_scalar(base):
        base = base if isinstance(base, dict) else {}
        merged = {}
        for key in sorted(set(base) | set(source) | set(target)):
            value = _merge_node(
                [*path, key],
                base.get(key, ABSENT),
                source.get(key, ABSENT),
                target.get(key, ABSENT),
                outcome,
            )
            if value is not ABSENT:
                merged[key] = value
        return merged
    if same(base, target):
        outcome.auto.append(AutoResolved(".".join(path), "source", base, source, target, source))
        return source
    if same(base, source):
        return target
    kind = (
        DELETED_MODIFIED
        if source is ABSENT
        else MODIFIED_DELETED
        if target is ABSENT
        else BOTH_MODIFIED
    )
    outcome.conflicts.append(FieldConflict(".".join(path), kind, base, source, target))
    return target  # until resolved, the target keeps what it has


def _is_scalar(value: Any) -> bool:
    """A value a merge does not look into (an object replaced by a scalar stays one value)."""
    return value is not ABSENT and not isinstance(value, dict)


def set_path(document: dict[str, Any], path: str, value: Any) -> None:
    """Put ``value`` at a dotted path of the merged document (a resolution)."""
    keys = path.split(".")
    node = document
    for key in keys[:-1]:
        child = node.get(key)
        if not isinstance(child, dict):
            child = node[key] = {}
        node = child
    node[keys[-1]] = value
