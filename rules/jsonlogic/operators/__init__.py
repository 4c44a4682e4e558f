"""The operator tables: json-logic-js's standard set and our documented extras (see README.md)."""

from typing import Final

from rules.jsonlogic.operators import arithmetic, arrays, comparison, data, dates, logic, strings
from rules.jsonlogic.registry import Operator, OperatorRegistry

STANDARD_OPERATORS: Final[dict[str, Operator]] = {
    **logic.OPERATORS,
    **comparison.OPERATORS,
    **arithmetic.OPERATORS,
    **strings.OPERATORS,
    **arrays.OPERATORS,
    **data.OPERATORS,
}

CUSTOM_OPERATORS: Final[dict[str, Operator]] = {
    **comparison.CUSTOM_OPERATORS,
    **arithmetic.CUSTOM_OPERATORS,
    **dates.CUSTOM_OPERATORS,
}

DEFAULT_REGISTRY: Final = OperatorRegistry({**STANDARD_OPERATORS, **CUSTOM_OPERATORS})
