"""The compiled form: each node of a rule becomes a closure over its children."""

from collections.abc import Callable, Sequence
from copy import deepcopy
from dataclasses import dataclass
from typing import Any

from rules.jsonlogic.values import UNDEFINED

Evaluator = Callable[[Any], Any]
"""Takes the data in scope (the root data, or the current item inside ``map`` & co.)."""


@dataclass(frozen=True, slots=True)
class Node:
    """A compiled sub-expression.

    ``constant`` nodes ignore their data, and ``value`` is what they evaluate to, so operators can
    specialise on literal arguments. ``size`` is the node count (the step cost of one evaluation)
    and ``iterates`` says whether a loop operator occurs inside, which needs a step budget.
    """

    evaluate: Evaluator
    size: int
    constant: bool = False
    value: Any = None
    iterates: bool = False


@dataclass(frozen=True, slots=True)
class BuildContext:
    """Where an operator is being compiled: for error paths and loop-aware step charging."""

    operator: str
    path: str
    """Path of the operator's key, e.g. ``$.and[1]['==']``."""
    in_loop: bool
    """The node runs once per item of an enclosing ``map``/``filter``/``reduce``/``all``/``some``/
    ``none``, so operators whose cost grows with their input must charge the step budget."""


Builder = Callable[[Sequence[Node], BuildContext], Evaluator]
"""Turns an operator's compiled arguments into the evaluator of the operator node."""


def constant_evaluator(value: Any) -> Evaluator:
    """Evaluator of a literal; containers are copied so callers can never mutate a cached rule."""
    if type(value) is list:
        if all(type(item) is not list and type(item) is not dict for item in value):
            return lambda _data: value.copy()
        return lambda _data: deepcopy(value)
    if type(value) is dict:
        return lambda _data: deepcopy(value)
    return lambda _data: value


def first_or_undefined(args: Sequence[Node], position: int = 0) -> Evaluator:
    """A JavaScript function called with fewer arguments sees ``undefined`` for the missing ones."""
    if position < len(args):
        return args[position].evaluate
    return lambda _data: UNDEFINED
