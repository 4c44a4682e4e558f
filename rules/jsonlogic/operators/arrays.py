"""``merge`` and the iterating operators ``map filter reduce all some none``.

The body of an iterating operator is evaluated with the current item as its data (``reduce``: with
``{"current": item, "accumulator": value}``); a collection that is not an array counts as empty.
``map``/``filter``/``reduce`` always visit every item, so they charge the step budget for the whole
collection before starting; ``all``/``some``/``none`` stop early and charge item by item. The
arrays ``map`` and ``filter`` build have at most one element per step charged; ``merge`` charges
the elements it builds (its arguments' arrays can be any length) before building them.
"""

from collections.abc import Sequence
from typing import Any

from rules.jsonlogic.coercion import truthy
from rules.jsonlogic.limits import budget, charge, charge_built
from rules.jsonlogic.nodes import BuildContext, Builder, Evaluator, Node
from rules.jsonlogic.registry import Operator

_BODY = frozenset({1})


def _build_merge(args: Sequence[Node], _context: BuildContext) -> Evaluator:
    """Concatenate, flattening array arguments one level."""
    evaluators = tuple(arg.evaluate for arg in args)

    def merge(data: Any) -> list[Any]:
        values = [evaluate(data) for evaluate in evaluators]
        size = 0
        for value in values:
            size += len(value) if type(value) is list else 1
        charge_built(size)
        merged: list[Any] = []
        for value in values:
            if type(value) is list:
                merged.extend(value)
            else:
                merged.append(value)
        return merged

    return merge


def _build_map(args: Sequence[Node], _context: BuildContext) -> Evaluator:
    collection, body = args[0].evaluate, args[1].evaluate
    cost = args[1].size

    def map_items(data: Any) -> list[Any]:
        items = collection(data)
        if type(items) is not list:
            return []
        charge(cost * len(items))
        return [body(item) for item in items]

    return map_items


def _build_filter(args: Sequence[Node], _context: BuildContext) -> Evaluator:
    collection, body = args[0].evaluate, args[1].evaluate
    cost = args[1].size

    def filter_items(data: Any) -> list[Any]:
        items = collection(data)
        if type(items) is not list:
            return []
        charge(cost * len(items))
        return [
            item
            for item in items
            if (kept := body(item)) is True or (kept is not False and truthy(kept))
        ]

    return filter_items


def _build_reduce(args: Sequence[Node], _context: BuildContext) -> Evaluator:
    collection, body = args[0].evaluate, args[1].evaluate
    initial = args[2].evaluate if len(args) == 3 else None
    cost = args[1].size

    def reduce_items(data: Any) -> Any:
        items = collection(data)
        accumulator = None if initial is None else initial(data)
        if type(items) is not list:
            return accumulator
        charge(cost * len(items))
        for item in items:
            accumulator = body({"current": item, "accumulator": accumulator})
        return accumulator

    return reduce_items


def _visit_until(items: list[Any], body: Evaluator, cost: int, *, stop_at: bool) -> bool:
    """Evaluate ``body`` per item until its truthiness is ``stop_at``; True if that happened.

    The whole collection is reserved from the budget in one go when it fits, and the unvisited
    part refunded on an early stop: exact accounting without a budget update per item.
    """
    planned = cost * len(items)
    left = budget.current[0]
    if planned <= left[0]:
        left[0] -= planned
        for position, item in enumerate(items):
            if truthy(body(item)) is stop_at:
                left[0] += cost * (len(items) - position - 1)
                return True
        return False
    for item in items:
        charge(cost)
        if truthy(body(item)) is stop_at:
            return True
    return False


def _build_all(args: Sequence[Node], _context: BuildContext) -> Evaluator:
    collection, body = args[0].evaluate, args[1].evaluate
    cost = args[1].size

    def all_items(data: Any) -> bool:
        items = collection(data)
        if type(items) is not list or not items:
            return False  # JSONLogic defines `all` of an empty collection as false.
        return not _visit_until(items, body, cost, stop_at=False)

    return all_items


def _build_some(args: Sequence[Node], _context: BuildContext) -> Evaluator:
    collection, body = args[0].evaluate, args[1].evaluate
    cost = args[1].size

    def some_items(data: Any) -> bool:
        items = collection(data)
        return type(items) is list and _visit_until(items, body, cost, stop_at=True)

    return some_items


def _build_none(args: Sequence[Node], context: BuildContext) -> Evaluator:
    some_items = _build_some(args, context)
    return lambda data: not some_items(data)


def _iterating(build: Builder, max_args: int = 2) -> Operator:
    return Operator(
        build, min_args=2, max_args=max_args, foldable=False, scoped_args=_BODY, budgeted=True
    )


OPERATORS: dict[str, Operator] = {
    "merge": Operator(_build_merge, budgeted=True),
    "map": _iterating(_build_map),
    "filter": _iterating(_build_filter),
    "reduce": _iterating(_build_reduce, max_args=3),
    "all": _iterating(_build_all),
    "some": _iterating(_build_some),
    "none": _iterating(_build_none),
}
