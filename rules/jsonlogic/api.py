"""``compile``/``apply``/``validate``, with a bounded cache of compiled rules by canonical JSON."""

import json
from collections.abc import Callable, Mapping
from functools import lru_cache
from typing import Any, Final

from rules.jsonlogic import paths
from rules.jsonlogic.compiler import CompiledRule
from rules.jsonlogic.errors import LimitExceededError, MalformedRuleError
from rules.jsonlogic.limits import DEFAULT_LIMITS, Limits
from rules.jsonlogic.operators import DEFAULT_REGISTRY
from rules.jsonlogic.registry import Operator, OperatorRegistry
from rules.jsonlogic.values import JsonValue

CACHE_SIZE: Final = 4096

ExtraOperators = Mapping[str, Operator | Callable[..., Any]]


def canonical_json(rule: JsonValue) -> str:
    """Key-sorted compact JSON: equal rules written with different key order share one entry.

    NaN and ±Infinity are refused: they are not JSON, and no stored rule can hold them.
    """
    try:
        return json.dumps(
            rule, sort_keys=True, separators=(",", ":"), ensure_ascii=False, allow_nan=False
        )
    except RecursionError:
        raise LimitExceededError(
            "rule is nested too deeply", paths.ROOT, limit="max_depth"
        ) from None
    except ValueError as error:  # NaN or ±Infinity (a circular reference cannot come from JSON)
        raise MalformedRuleError(
            "rule is not a JSON value: numbers must be finite, not NaN or Infinity", paths.ROOT
        ) from error
    except TypeError as error:
        raise MalformedRuleError(f"rule is not a JSON value: {error}", paths.ROOT) from error


@lru_cache(maxsize=CACHE_SIZE)
def _compile_canonical(canonical: str, registry: OperatorRegistry, limits: Limits) -> CompiledRule:
    # Compiling from the canonical text gives the compiled rule a private copy of the caller's
    # rule, so mutating that object later cannot corrupt the cache.
    return CompiledRule(json.loads(canonical), canonical, registry, limits)


def compile(
    rule: JsonValue,
    *,
    operators: ExtraOperators | None = None,
    limits: Limits | None = None,
) -> CompiledRule:
    """Compile ``rule`` (cached); an invalid rule raises a :class:`~rules.jsonlogic.JsonLogicError`.

    ``operators`` adds operators for this rule only: plain functions receive the evaluated arguments
    (json-logic-js style) and are never constant-folded. Built-in operators cannot be replaced.
    """
    registry = DEFAULT_REGISTRY.extended(operators) if operators else DEFAULT_REGISTRY
    return _compile_canonical(canonical_json(rule), registry, limits or DEFAULT_LIMITS)


def apply(
    rule: JsonValue,
    data: JsonValue = None,
    *,
    operators: ExtraOperators | None = None,
    limits: Limits | None = None,
) -> JsonValue:
    """json-logic-js's ``jsonLogic.apply(rule, data)``, with the result in JSON form."""
    return compile(rule, operators=operators, limits=limits).evaluate(data)


def validate(
    rule: JsonValue,
    *,
    operators: ExtraOperators | None = None,
    limits: Limits | None = None,
) -> None:
    """Raise (with the JSON path of the offending node) unless ``rule`` compiles; for save time."""
    compile(rule, operators=operators, limits=limits)
