"""Effect payloads: RFC 6902 JSON Patch documents, checked against what each target may change.

The patched document of an entity uses the API's field names (``name``, ``level``,
``variables``…); bookkeeping (ids, versions, timestamps, relations) is never patchable. A payload
is checked twice: when the effect is saved (well formed, patchable paths, literal values that fit
the target's fields and variable schema) and when it is applied (against the target as it is
then, through the target's update action, which checks everything again).
"""

import copy
import json
import re
from collections.abc import Mapping
from typing import Any

import jsonpatch
import jsonpointer
from django.db import models

from campaign import variables as typed_variables
from campaign.actions import characters, events, kingdoms, parties, settlements, structures
from campaign.actions import fields as f
from kernel.errors import ValidationError
from rules.evaluation import fits_type

OPERATIONS = {"add", "remove", "replace", "move", "copy", "test"}
WRITING = OPERATIONS - {"test"}

# The document a patch sees, per target type: the API's field name → the model attribute, which
# is also the name the target's update action takes it by.
DOCUMENTS: dict[str, dict[str, str]] = {
    "settlement": {"name": "name", "level": "level", "variables": "variables"},
    "structure": {"name": "name", "level": "level", "type": "type", "variables": "variables"},
    "kingdom": {"name": "name", "level": "level", "variables": "variables"},
    "party": {
        "name": "name",
        "averageLevel": "average_level",
        "manualLevelOverride": "manual_level_override",
        "variables": "variables",
    },
    "character": {
        "name": "name",
        "level": "level",
        "race": "race",
        "class": "character_class",
        "isNPC": "is_npc",
        "variables": "variables",
    },
    "event": {"description": "description", "variables": "variables"},
    "encounter": {
        "description": "description",
        "difficulty": "difficulty",
        "variables": "variables",
    },
    "state_variable": {"value": "value"},
}
PATCHABLE: dict[str, frozenset[str]] = {kind: frozenset(d) for kind, d in DOCUMENTS.items()}

# How each target's update action cleans a field: a literal value in a payload must pass it.
CLEANERS: dict[str, Mapping[str, f.Cleaner]] = {
    "settlement": settlements.FIELDS,
    "structure": structures.FIELDS,
    "kingdom": kingdoms.FIELDS,
    "party": parties.FIELDS,
    "character": characters.FIELDS,
    "event": events.EVENT_FIELDS,
    "encounter": events.ENCOUNTER_FIELDS,
}


def _parts(pointer: Any, field: str) -> list[str]:
    if not isinstance(pointer, str):
        raise ValidationError("A JSON Pointer must be a string", field=field)
    try:
        parts = jsonpointer.JsonPointer(pointer).parts
    except jsonpointer.JsonPointerException as exc:
        raise ValidationError(f"Invalid JSON Pointer {pointer!r}: {exc}", field=field) from exc
    if not parts:
        raise ValidationError("An effect cannot replace the whole document", field=field)
    return parts


def validate_patch(payload: Any, target_type: str, field: str = "payload") -> list[dict[str, Any]]:
    """The payload if every operation is well formed and touches only patchable paths."""
    allowed = PATCHABLE.get(target_type)
    if allowed is None:
        raise ValidationError(f"Effects cannot target {target_type!r}", field="targetType")
    if not isinstance(payload, list):
        raise ValidationError("A patch is a list of operations", field=field)
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
            root = _parts(pointer, f"{where}.{key}")[0]
            if root not in allowed:
                raise ValidationError(
                    f"{target_type} effects may change only {', '.join(sorted(allowed))},"
                    f" not {root!r}",
                    field=f"{where}.{key}",
                )
        if op in {"add", "replace", "test"} and "value" not in operation:
            raise ValidationError(f"A {op} operation needs a value", field=f"{where}.value")
    return payload


def check_against_target(
    payload: list[dict[str, Any]], target_type: str, target: models.Model, field: str = "payload"
) -> None:
    """Refuse a (valid) payload that could never fit its target: a literal value its field's
    cleaner refuses, a variable its schema does not declare or a value of the wrong type, a value
    for a derived state variable. Values copied or moved at run time are checked when applied."""
    for index, operation in enumerate(payload):
        op, where = operation["op"], f"{field}.{index}"
        if op == "test":
            continue
        parts = _parts(operation["path"], f"{where}.path")
        literal = op in {"add", "replace"}
        if target_type == "state_variable":
            _check_state_value(target, operation, literal, where)
        elif parts[0] == "variables":
            _check_variable(target, parts[1:], operation, literal, where)
        elif literal and len(parts) == 1:
            attribute = DOCUMENTS[target_type][parts[0]]
            _as(where, CLEANERS[target_type][attribute], operation["value"], parts[0])


def _as(where: str, clean: f.Cleaner, value: Any, name: str) -> Any:
    """``clean(value)``, its refusal told as a refusal of the operation's value."""
    try:
        return clean(value, name)
    except ValidationError as exc:
        raise ValidationError(exc.message, field=f"{where}.value") from exc


def _check_state_value(target: Any, operation: dict[str, Any], literal: bool, where: str) -> None:
    if target.type == "derived":
        raise ValidationError(
            f"State variable {target.key!r} is derived: its formula computes its value",
            field=f"{where}.path",
        )
    if operation["path"] == "/value" and literal and not fits_type(target.type, operation["value"]):
        raise ValidationError(
            f"State variable {target.key!r} holds a {target.type}, not {operation['value']!r}",
            field=f"{where}.value",
        )


def _check_variable(
    target: Any, path: list[str], operation: dict[str, Any], literal: bool, where: str
) -> None:
    schemas: list[dict[str, Any]] = target.variable_schemas or []
    if not path:
        if literal:
            _as(
                where,
                lambda v, _: typed_variables.clean_variables(schemas, v),
                operation["value"],
                "variables",
            )
        return
    if not schemas:
        return  # free-form variables: any value fits
    definition = next((d for d in schemas if d["name"] == path[0]), None)
    if definition is None:
        raise ValidationError(f"Undeclared variable: {path[0]}", field=f"{where}.path")
    if len(path) > 1:
        raise ValidationError(
            f"Variable {path[0]!r} holds a {definition['type']}, which has no parts",
            field=f"{where}.path",
        )
    if operation["op"] in {"remove", "move"} and definition.get("required"):
        raise ValidationError(f"{path[0]} is required", field=f"{where}.path")
    if literal:
        typed_variables.clean_value(definition, operation["value"], f"{where}.value")


def document(target_type: str, target: models.Model) -> dict[str, Any]:
    """What a patch of ``target_type`` sees of ``target``."""
    return {
        name: copy.deepcopy(getattr(target, attribute))
        for name, attribute in DOCUMENTS[target_type].items()
    }


# jsonpatch tells a failed test with Python's type names: "2 (<class 'int'>) is not equal…".
_PYTHON_TYPES = re.compile(r" \(<class '\w+'>\)")


def patched(before: dict[str, Any], payload: list[dict[str, Any]]) -> dict[str, Any]:
    """``before`` with the payload applied (RFC 6902: all operations or none), or a refusal
    naming the operation that cannot apply and why."""
    after = copy.deepcopy(before)
    for index, operation in enumerate(payload):
        try:
            after = jsonpatch.JsonPatch([operation]).apply(after)
        except (jsonpatch.JsonPatchException, jsonpointer.JsonPointerException) as exc:
            raise ValidationError(
                f"{operation.get('op')} at {operation.get('path')} cannot be applied:"
                f" {_PYTHON_TYPES.sub('', str(exc))}",
                field=f"payload.{index}",
            ) from exc
    return after


def changed_fields(
    target_type: str, before: dict[str, Any], after: dict[str, Any]
) -> dict[str, Any]:
    """The update action's input for what the patch changed (a removed field is None)."""
    return {
        attribute: after.get(name)
        for name, attribute in DOCUMENTS[target_type].items()
        if _canonical(after.get(name)) != _canonical(before.get(name))
    }


def _canonical(value: Any) -> str:
    """JSON text, so that ``1``, ``1.0`` and ``true`` differ as they do in JSON."""
    return json.dumps(value, sort_keys=True)


def affected_fields(payload: list[dict[str, Any]]) -> list[str]:
    """Every pointer the payload reads or writes, in order, once each (as the original)."""
    seen: dict[str, None] = {}
    for operation in payload:
        for key in ("path", "from"):
            if isinstance(operation.get(key), str):
                seen[operation[key]] = None
    return list(seen)


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
