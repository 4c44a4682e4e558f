"""``and``, ``or``, ``if``/``?:``, ``!``, ``!!``; ``and``/``or`` return the deciding value."""

from collections.abc import Sequence
from typing import Any

from rules.jsonlogic.coercion import truthy
from rules.jsonlogic.nodes import BuildContext, Evaluator, Node
from rules.jsonlogic.registry import Operator
from rules.jsonlogic.values import UNDEFINED

# `value is True or (value is not False and truthy(value))` recurs below: comparisons yield real
# booleans, and testing identity first skips a function call on that overwhelmingly common path.


def _build_and(args: Sequence[Node], _context: BuildContext) -> Evaluator:
    evaluators = tuple(arg.evaluate for arg in args)
    if not evaluators:
        return lambda _data: UNDEFINED
    if len(evaluators) == 1:
        return evaluators[0]
    if len(evaluators) == 2:
        first, second = evaluators

        def and_two(data: Any) -> Any:
            value = first(data)
            if value is True or (value is not False and truthy(value)):
                return second(data)
            return value

        return and_two

    def and_many(data: Any) -> Any:
        value = UNDEFINED
        for evaluate in evaluators:
            value = evaluate(data)
            if not (value is True or (value is not False and truthy(value))):
                return value
        return value

    return and_many


def _build_or(args: Sequence[Node], _context: BuildContext) -> Evaluator:
    evaluators = tuple(arg.evaluate for arg in args)
    if not evaluators:
        return lambda _data: UNDEFINED
    if len(evaluators) == 1:
        return evaluators[0]
    if len(evaluators) == 2:
        first, second = evaluators

        def or_two(data: Any) -> Any:
            value = first(data)
            if value is True or (value is not False and truthy(value)):
                return value
            return second(data)

        return or_two

    def or_many(data: Any) -> Any:
        value = UNDEFINED
        for evaluate in evaluators:
            value = evaluate(data)
            if value is True or (value is not False and truthy(value)):
                return value
        return value

    return or_many


def _build_if(args: Sequence[Node], _context: BuildContext) -> Evaluator:
    """``[cond1, then1, cond2, then2, …, else?]``; no branch taken and no else gives ``null``."""
    evaluators = tuple(arg.evaluate for arg in args)
    if not evaluators:
        return lambda _data: None
    if len(evaluators) == 1:
        return evaluators[0]
    if len(evaluators) <= 3:
        condition, then = evaluators[0], evaluators[1]
        otherwise = evaluators[2] if len(evaluators) == 3 else None

        def if_else(data: Any) -> Any:
            value = condition(data)
            if value is True or (value is not False and truthy(value)):
                return then(data)
            return None if otherwise is None else otherwise(data)

        return if_else

    branches = tuple(zip(evaluators[0:-1:2], evaluators[1::2], strict=False))
    fallback = evaluators[-1] if len(evaluators) % 2 else None

    def if_chain(data: Any) -> Any:
        for condition, then in branches:
            value = condition(data)
            if value is True or (value is not False and truthy(value)):
                return then(data)
        return None if fallback is None else fallback(data)

    return if_chain


def _build_not(args: Sequence[Node], _context: BuildContext) -> Evaluator:
    operand = args[0].evaluate

    def negate(data: Any) -> bool:
        value = operand(data)
        if value is True:
            return False
        return value is False or not truthy(value)

    return negate


def _build_double_not(args: Sequence[Node], _context: BuildContext) -> Evaluator:
    operand = args[0].evaluate

    def to_boolean(data: Any) -> bool:
        value = operand(data)
        return value is True or (value is not False and truthy(value))

    return to_boolean


OPERATORS: dict[str, Operator] = {
    "and": Operator(_build_and),
    "or": Operator(_build_or),
    "if": Operator(_build_if),
    "?:": Operator(_build_if),
    "!": Operator(_build_not, min_args=1, max_args=1),
    "!!": Operator(_build_double_not, min_args=1, max_args=1),
}
