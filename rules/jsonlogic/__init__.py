"""A pure-Python JSONLogic evaluator with json-logic-js 2.0.5 semantics (no Django imports).

    >>> rule = compile({"and": [{">=": [{"var": "level"}, 3]}, {"in": ["inn", {"var": "tags"}]}]})
    >>> rule.evaluate({"level": 4, "tags": ["inn", "temple"]})
    True
    >>> sorted(rule.variables)
    ['level', 'tags']

* :func:`compile` turns a rule into closures once (cached by canonical JSON, LRU of 4096) and
  :meth:`CompiledRule.evaluate` runs them; :func:`apply` does both, like ``jsonLogic.apply``.
* :meth:`CompiledRule.trace` also returns every operator's path, inputs and output.
* :func:`validate` raises at save time, with the JSON path of the bad node.
* Standard operators follow json-logic-js (JavaScript coercion, JSONLogic truthiness); extra
  operators (``between``, ``clamp``, ``round``, ``floor``, ``ceil``, ``abs``, ``date_add``,
  ``date_diff``) and all semantic decisions are documented in ``README.md`` next to this file.
* Limits on depth, size and evaluation steps: :mod:`rules.jsonlogic.limits`.
"""

from rules.jsonlogic.api import CACHE_SIZE, apply, canonical_json, compile, validate
from rules.jsonlogic.compiler import CompiledRule
from rules.jsonlogic.errors import (
    EvaluationError,
    JsonLogicError,
    LimitExceededError,
    MalformedRuleError,
    UnknownOperatorError,
)
from rules.jsonlogic.limits import DEFAULT_LIMITS, Limits
from rules.jsonlogic.operators import DEFAULT_REGISTRY
from rules.jsonlogic.registry import Operator, OperatorRegistry
from rules.jsonlogic.trace import TraceResult, TraceStep

__all__ = [
    "CACHE_SIZE",
    "DEFAULT_LIMITS",
    "DEFAULT_REGISTRY",
    "CompiledRule",
    "EvaluationError",
    "JsonLogicError",
    "LimitExceededError",
    "Limits",
    "MalformedRuleError",
    "Operator",
    "OperatorRegistry",
    "TraceResult",
    "TraceStep",
    "UnknownOperatorError",
    "apply",
    "canonical_json",
    "compile",
    "validate",
]
