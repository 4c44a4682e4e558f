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
    specialise on literal arguments. ``size`` is the step cost of one evaluation (the node count,
    plus the elements of literal containers, which are copied) and ``budgeted`` says whether a
    loop or a building operator occurs inside, which needs the run-time budgets.
    """

    evaluate: Evaluator
    size: int
    constant: bool = False
    value: Any = None
    budgeted: bool = False


@dataclass(frozen=True, slots=True)
class BuildContext:
    """Where an operator is being compiled: for error paths."""

    operator: str
    path: str
    """Path of the operator's key, e.g. ``$.and[1]['==']``."""


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


def literal_size(value: Any) -> int:
    """Step cost of a literal: one, plus one per element of every container in it (each
    evaluation copies them, see :func:`constant_evaluator`)."""
    if type(value) is not list and type(value) is not dict:
        return 1
    size = 1
    pending = [value]
    while pending:
        container = pending.pop()
        size += len(container)
        children = container.values() if type(container) is dict else container
        pending.extend(child for child in children if type(child) in (list, dict))
    return size


def first_or_undefined(args: Sequence[Node], position: int = 0) -> Evaluator:
    """A JavaScript function called with fewer arguments sees ``undefined`` for the missing ones."""
    if position < len(args):
        return args[position].evaluate
    return lambda _data: UNDEFINED
