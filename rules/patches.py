"""Effect payloads: RFC 6902 JSON Patch documents, checked against what each target may change.

The patched document of an entity uses the API's field names (``name``, ``level``,
``variables``…); bookkeeping (ids, versions, timestamps, relations) is never patchable.
"""

from typing import Any

import jsonpointer

from kernel.errors import ValidationError

OPERATIONS = {"add", "remove", "replace", "move", "copy", "test"}
WRITING = OPERATIONS - {"test"}

PATCHABLE: dict[str, frozenset[str]] = {
    "settlement": frozenset({"name", "level", "variables"}),
    "structure": frozenset({"name", "level", "type", "variables"}),
    "kingdom": frozenset({"name", "level", "variables"}),
    "party": frozenset({"name", "averageLevel", "manualLevelOverride", "variables"}),
    "character": frozenset({"name", "level", "race", "class", "isNPC", "variables"}),
    "event": frozenset({"description", "variables"}),
    "encounter": frozenset({"description", "difficulty", "variables"}),
    "state_variable": frozenset({"value"}),
}


def _root(pointer: Any, field: str) -> str:
    if not isinstance(pointer, str):
        raise ValidationError("A JSON Pointer must be a string", field=field)
    try:
        parts = jsonpointer.JsonPointer(pointer).parts
    except jsonpointer.JsonPointerException as exc:
        raise ValidationError(f"Invalid JSON Pointer {pointer!r}: {exc}", field=field) from exc
    if not parts:
        raise ValidationError("An effect cannot replace the whole document", field=field)
    return parts[0]


def validate_patch(payload: Any, target_type: str, field: str = "payload") -> list[dict[str, Any]]:
    """The payload if every operation is well formed and touches only patchable paths."""
    allowed = PATCHABLE.get(target_type)
    if allowed is None:
        raise ValidationError(f"Effects cannot target {target_type!r}", field="targetType")
    if not isinstance(payload, list) or not payload:
        raise ValidationError("An effect's payload is a non-empty list of operations", field=field)
    for index, operation in enumerate(payload):
        where = f"{field}.{index}"
        if not isinstance(operation, dict):
            raise ValidationError("Each operation must be an object", field=where)
        op = operation.get("op")
        if not isinstance(op, str) or op not in OPERATIONS:
            raise ValidationError(
                f"op must be one of {', '.join(sorted(OPERATIONS))}", field=f"{where}.op"
            )
        pointers = [("path", operation.get("path"))]
        if op in {"move", "copy"}:
            pointers.append(("from", operation.get("from")))
        for key, pointer in pointers:
            root = _root(pointer, f"{where}.{key}")
            if root not in allowed:
                raise ValidationError(
                    f"{target_type} effects may change only {', '.join(sorted(allowed))},"
                    f" not {root!r}",
                    field=f"{where}.{key}",
                )
        if op in {"add", "replace", "test"} and "value" not in operation:
            raise ValidationError(f"A {op} operation needs a value", field=f"{where}.value")
    return payload


def written_roots(payload: Any) -> frozenset[str]:
    """The top-level fields a (valid) payload writes, for the dependency graph."""
    if not isinstance(payload, list):
        return frozenset()
    roots = set()
    for operation in payload:
        op = operation.get("op") if isinstance(operation, dict) else None
        if isinstance(op, str) and op in WRITING:
            path = operation.get("path")
            if isinstance(path, str) and path.startswith("/"):
                roots.add(path[1:].split("/", 1)[0])
    return frozenset(roots)
