"""Exceptions of the JSONLogic engine; each carries the JSON path of the node at fault."""


class JsonLogicError(Exception):
    """Base class: ``path`` is a JSON path such as ``$.and[1].foo`` (``None`` when unknown)."""

    def __init__(self, message: str, path: str | None = None) -> None:
        self.message = message
        self.path = path
        super().__init__(f"{message} (at {path})" if path else message)


class MalformedRuleError(JsonLogicError):
    """Not a well-formed expression (bad arity, non-JSON value, bad literal argument)."""


class UnknownOperatorError(MalformedRuleError):
    """An object with exactly one key names an operator the registry does not know."""

    def __init__(self, operator: str, path: str) -> None:
        self.operator = operator
        super().__init__(f"Unrecognized operation {operator}", path)


class LimitExceededError(JsonLogicError):
    """The rule is too deep or too large, or an evaluation ran past one of its budgets.

    ``limit`` names the :class:`~rules.jsonlogic.limits.Limits` field that was exceeded
    (``"max_steps"``, ``"max_built"``…), so callers can tell a resource limit from a bad rule.
    """

    def __init__(self, message: str, path: str | None = None, *, limit: str) -> None:
        self.limit = limit
        super().__init__(message, path)


class EvaluationError(JsonLogicError):
    """Evaluating a well-formed rule failed (e.g. a custom operator was given garbage)."""
