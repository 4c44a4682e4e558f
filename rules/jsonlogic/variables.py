"""Static extraction of the data paths a rule reads, for dependency graphs.

Only the rule's own scope counts: inside ``map``/``filter``/``reduce``/``all``/``some``/``none`` the
body reads the current item, not the rule's data. A read whose path is computed at run time, or that
takes the whole data (``{"var": ""}``), cannot be listed and marks the rule as *dynamic*.
"""

from typing import Any

from rules.jsonlogic.operators.data import var_keys
from rules.jsonlogic.registry import OperatorRegistry


def _literal_path(path: Any) -> str | None:
    if type(path) is list or type(path) is dict:
        return None
    keys = var_keys(path)
    return None if keys is None else ".".join(keys)


def extract_variables(rule: Any, registry: OperatorRegistry) -> tuple[frozenset[str], bool]:
    """``(paths, dynamic)`` for a rule already known to compile against ``registry``."""
    paths: set[str] = set()
    dynamic = False

    def read(path: Any) -> None:
        nonlocal dynamic
        literal = _literal_path(path)
        if literal is None:
            dynamic = True
        else:
            paths.add(literal)

    def visit(node: Any) -> None:
        if type(node) is list:
            for item in node:
                visit(item)
            return
        if type(node) is not dict or len(node) != 1:
            return
        ((operator, raw_args),) = node.items()
        args = raw_args if type(raw_args) is list else [raw_args]
        if operator == "var":
            read(args[0] if args else None)
        elif operator == "missing":
            for key in args[0] if args and type(args[0]) is list else args:
                read(key)
        elif operator == "missing_some":
            keys = args[1]
            for key in keys if type(keys) is list else [keys]:
                read(key)
        scoped = registry[operator].scoped_args
        for position, arg in enumerate(args):
            if position not in scoped:
                visit(arg)

    visit(rule)
    return frozenset(paths), dynamic
