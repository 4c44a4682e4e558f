"""Typed custom variables.

A schema is a list of definitions ``{"name", "type", "required"?, "defaultValue"?, "enumValues"?,
"description"?}`` with ``type`` one of string, number, boolean, enum. Values are checked against
their definition; an error names the offending field as ``variables.<name>``.
"""

import math
import re
from typing import Any

from campaign.actions.fields import json_value, storable
from kernel.errors import ValidationError

TYPES = ("string", "number", "boolean", "enum")
NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]{0,63}$")
KEYS = {"name", "type", "required", "defaultValue", "enumValues", "description"}


def clean_definition(definition: Any, field: str = "schema") -> dict[str, Any]:
    if not isinstance(definition, dict):
        raise ValidationError("A variable schema must be an object", field=field)
    unknown = set(definition) - KEYS
    if unknown:
        raise ValidationError(f"Unknown schema keys: {', '.join(sorted(unknown))}", field=field)
    name = definition.get("name")
    if not isinstance(name, str) or not NAME.match(name):
        raise ValidationError(
            "Variable names start with a letter or underscore and hold only letters, digits and"
            " underscores (at most 64)",
            field=f"{field}.name",
        )
    kind = definition.get("type")
    if kind not in TYPES:
        raise ValidationError(f"type must be one of {', '.join(TYPES)}", field=f"{field}.type")
    cleaned: dict[str, Any] = {"name": name, "type": kind}
    if kind == "enum":
        options = definition.get("enumValues")
        if (
            not isinstance(options, list)
            or not options
            or not all(isinstance(o, str) for o in options)
            or len(set(options)) != len(options)
        ):
            raise ValidationError(
                "An enum needs a non-empty list of distinct strings", field=f"{field}.enumValues"
            )
        cleaned["enumValues"] = [storable(o, f"{field}.enumValues") for o in options]
    cleaned["required"] = bool(definition.get("required", False))
    if "description" in definition and definition["description"] is not None:
        if not isinstance(definition["description"], str):
            raise ValidationError("description must be a string", field=f"{field}.description")
        cleaned["description"] = storable(definition["description"], f"{field}.description")
    if definition.get("defaultValue") is not None:
        cleaned["defaultValue"] = clean_value(
            cleaned, definition["defaultValue"], f"{field}.defaultValue"
        )
    return cleaned


def clean_value(definition: dict[str, Any], value: Any, field: str) -> Any:
    kind = definition["type"]
    if value is None:
        if definition.get("required"):
            raise ValidationError(f"{definition['name']} is required", field=field)
        return None
    if kind == "string" and isinstance(value, str):
        return storable(value, field)
    if kind == "boolean" and isinstance(value, bool):
        return value
    if (
        kind == "number"
        and isinstance(value, int | float)
        and not isinstance(value, bool)
        and math.isfinite(value)
    ):
        return value
    if kind == "enum" and value in definition["enumValues"]:
        return value
    expected = f"one of {', '.join(definition['enumValues'])}" if kind == "enum" else f"a {kind}"
    raise ValidationError(f"{definition['name']} must be {expected}, not {value!r}", field=field)


def clean_schemas(schemas: Any) -> list[dict[str, Any]]:
    if not isinstance(schemas, list):
        raise ValidationError("variableSchemas must be a list", field="variableSchemas")
    cleaned = [clean_definition(d, f"variableSchemas.{i}") for i, d in enumerate(schemas)]
    names = [d["name"] for d in cleaned]
    duplicates = sorted({n for n in names if names.count(n) > 1})
    if duplicates:
        raise ValidationError(
            f"Duplicate variable names: {', '.join(duplicates)}", field="variableSchemas"
        )
    return cleaned


def clean_variables(schemas: list[dict[str, Any]], variables: Any) -> dict[str, Any]:
    """Check every value against its schema, fill defaults, and refuse undeclared names.

    With no schemas at all the entity's variables are free-form JSON (as in the original).
    """
    if not isinstance(variables, dict):
        raise ValidationError("variables must be an object", field="variables")
    if not schemas:
        # Free-form values; null means "no value", as for typed ones.
        free = {name: value for name, value in variables.items() if value is not None}
        return json_value(free, "variables")  # type: ignore[no-any-return]
    by_name = {d["name"]: d for d in schemas}
    undeclared = sorted(set(variables) - set(by_name))
    if undeclared:
        raise ValidationError(
            f"Undeclared variable: {undeclared[0]}", field=f"variables.{undeclared[0]}"
        )
    cleaned: dict[str, Any] = {}
    for name, definition in by_name.items():
        value = variables.get(name, definition.get("defaultValue"))
        value = clean_value(definition, value, f"variables.{name}")
        if value is not None:
            cleaned[name] = value
    return cleaned
