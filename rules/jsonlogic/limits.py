"""Resource limits: checked statically at compile time (depth, nodes) and while evaluating.

An evaluation draws on two budgets, charged where the work is done:

* *steps*, for time. The whole rule is charged its node count once; each iteration of
  ``map``/``filter``/``reduce``/``all``/``some``/``none`` is charged the node count of its body;
  ``in``, ``missing`` and ``missing_some`` are charged the length of what they search, a ``var``
  path computed at run time its segments, and a string converted to a number its length, when
  that length is over :data:`MAX_FREE_SCAN`.
* *built*, for memory: every character of a string and every element of an array the evaluation
  makes (``cat``, ``merge``, ``substr``, ``map``, ``filter``, ``missing``, array literals, arrays
  converted to strings, and the values a trace records).

A literal array or object costs a step per element it holds, since each evaluation copies it. A
rule of at most :data:`MAX_UNBUDGETED_SIZE` nodes that neither loops nor builds skips the run-time
budgets: its steps are known statically and it can make no more than that many passes over its
data. Finally a result (and each value a trace records) may hold at most ``max_result``
characters and elements and be nested at most ``max_depth`` levels, so what a rule returns is
bounded whatever data it reads.
"""

import sys
import threading
from dataclasses import dataclass
from typing import Any, Final

from rules.jsonlogic.errors import LimitExceededError

MAX_DEPTH: Final = 64
"""Nesting of operators and literal arrays (JSON paths deeper than this are rejected), and of
results."""

MAX_NODES: Final = 10_000
"""Operators, literal arrays and scalar literals in one rule."""

MAX_STEPS: Final = 100_000
"""Steps one evaluation may take (see the module docstring)."""

MAX_BUILT: Final = 1_000_000
"""Characters and array elements one evaluation may build (see the module docstring)."""

MAX_RESULT: Final = 100_000
"""Characters and elements (strings, object keys, array elements, object members) in a result."""

MAX_UNBUDGETED_SIZE: Final = 32
"""Rules up to this many nodes, without loops or building operators, run without a budget."""

MAX_FREE_SCAN: Final = 64
"""Strings, arrays and paths up to this long are searched, converted or followed within the step
that reads them; longer ones are charged their length in steps."""

UNLIMITED: Final = sys.maxsize


@dataclass(frozen=True, slots=True)
class Limits:
    max_depth: int = MAX_DEPTH
    max_nodes: int = MAX_NODES
    max_steps: int = MAX_STEPS
    max_built: int = MAX_BUILT
    max_result: int = MAX_RESULT

    def __post_init__(self) -> None:
        for name in ("max_depth", "max_nodes", "max_steps", "max_built", "max_result"):
            value = getattr(self, name)
            if type(value) is not int or value < 1:
                raise ValueError(f"{name} must be a positive int, got {value!r}")


DEFAULT_LIMITS: Final = Limits()


class _Budget(threading.local):
    """The budgets of the evaluation running on this thread.

    ``current[0]`` is ``[steps left, max_steps, built left, max_built]``: a list so charges update
    it in place, and a thread-local because evaluation is synchronous and this is several times
    cheaper than a ContextVar. Entry points install a fresh list in ``current`` and restore the
    previous one, so nested evaluations each get their own budget; the one-element ``current``
    lets them read the thread-local once, as each read costs several list operations. Outside any
    budgeted evaluation (a small rule, or constant folding at compile time, whose work is bounded
    by the rule itself) the budget is unlimited.
    """

    def __init__(self) -> None:
        self.current = [[UNLIMITED, UNLIMITED, UNLIMITED, UNLIMITED]]


budget: Final = _Budget()


def fresh(limits: Limits, steps_used: int = 0) -> list[int]:
    """A full budget for one evaluation, of which the rule's static ``steps_used`` are spent."""
    return [limits.max_steps - steps_used, limits.max_steps, limits.max_built, limits.max_built]


def charge(count: int) -> None:
    left = budget.current[0]
    left[0] -= count
    if left[0] < 0:
        raise LimitExceededError(
            f"evaluation exceeded the limit of {left[1]} steps", limit="max_steps"
        )


def charge_built(count: int) -> None:
    left = budget.current[0]
    left[2] -= count
    if left[2] < 0:
        raise LimitExceededError(
            f"evaluation exceeded the limit of {left[3]} characters and array elements built",
            limit="max_built",
        )


def json_size(value: Any, cap: int, max_depth: int, what: str) -> int:
    """Characters (of strings and keys) plus elements (of arrays and objects) in ``value``.

    Shared parts count every time they occur, as in the JSON text the value becomes, so a value
    that shares itself exponentially is measured in time bounded by ``cap``: counting stops as
    soon as it passes ``cap``. ``what`` names the value in the error raised when it is nested
    deeper than ``max_depth`` (which would also overflow Python's recursion when serialised).
    """
    kind = type(value)
    if kind is str:
        return len(value)
    if kind is not list and kind is not dict:
        return 0
    size = 0
    pending: list[tuple[Any, int]] = [(value, 1)]
    while pending:
        container, depth = pending.pop()
        if depth > max_depth:
            raise LimitExceededError(
                f"{what} is nested deeper than {max_depth} levels", limit="max_depth"
            )
        size += len(container)
        if size > cap:
            return size
        if type(container) is dict:
            size += sum(len(key) if type(key) is str else 1 for key in container)
            children = container.values()
        else:
            children = container
        for child in children:
            child_kind = type(child)
            if child_kind is str:
                size += len(child)
            elif child_kind is list or child_kind is dict:
                pending.append((child, depth + 1))
        if size > cap:
            return size
    return size
