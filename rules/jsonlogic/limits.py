"""Resource limits: checked statically at compile time (depth, nodes) and while evaluating (steps).

A *step* is one node evaluation. The whole rule is charged its node count once; each iteration
of ``map``/``filter``/``reduce``/``all``/``some``/``none`` is charged the node count of its body;
inside an iteration body, ``merge``/``cat`` are also charged the length of what they build and
``in``/``missing`` the length of what they scan, so a ``reduce`` that doubles its accumulator
stops early.
Outside loops a rule cannot amplify work beyond the size of the data it is given.
"""

import threading
from dataclasses import dataclass
from typing import Final

from rules.jsonlogic.errors import LimitExceededError

MAX_DEPTH: Final = 64
"""Nesting of operators and literal arrays (JSON paths deeper than this are rejected)."""

MAX_NODES: Final = 10_000
"""Operators, literal arrays and scalar literals in one rule."""

MAX_STEPS: Final = 100_000
"""Steps one evaluation may take (see the module docstring)."""


@dataclass(frozen=True, slots=True)
class Limits:
    max_depth: int = MAX_DEPTH
    max_nodes: int = MAX_NODES
    max_steps: int = MAX_STEPS

    def __post_init__(self) -> None:
        for name in ("max_depth", "max_nodes", "max_steps"):
            value = getattr(self, name)
            if type(value) is not int or value < 1:
                raise ValueError(f"{name} must be a positive int, got {value!r}")


DEFAULT_LIMITS: Final = Limits()


class _StepBudget(threading.local):
    """The step budget of the evaluation running on this thread.

    ``steps`` is ``[remaining, limit]``: a list so loops can update it in place, and a thread-local
    because evaluation is synchronous and this is several times cheaper than a ContextVar. Entry
    points install a fresh list and restore the previous one, so nested evaluations each get
    their own budget; outside any evaluation the budget is empty.
    """

    def __init__(self) -> None:
        self.steps = [0, 0]


budget: Final = _StepBudget()


def charge(count: int) -> None:
    steps = budget.steps
    steps[0] -= count
    if steps[0] < 0:
        raise LimitExceededError(f"evaluation exceeded the limit of {steps[1]} steps")
