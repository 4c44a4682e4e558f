"""``var``, ``missing``, ``missing_some`` (reading the data) and ``log``.

A ``var`` path is split on dots; each segment is an object key, an array (or string) index written
in canonical form (``"0"``, ``"12"``), or ``length`` of an array or string, as JavaScript property
access allows. Nothing else of JavaScript's prototype chain (``__proto__``, ``constructor``) is
reachable. The default applies when a segment is absent or the path runs through ``null``; a stored
``null`` or ``false`` at the end of the path is returned as is.

Reads cost one step, except a long path computed at run time, charged a step per segment, and
``missing``/``missing_some`` with many keys computed at run time, charged a step per key looked up
(which also bounds the array of absent keys they build).
"""

from collections.abc import Sequence
from typing import Any

from rules.jsonlogic.coercion import NAN, less_equal, to_string
from rules.jsonlogic.limits import MAX_FREE_SCAN, charge
from rules.jsonlogic.nodes import BuildContext, Evaluator, Node
from rules.jsonlogic.registry import Operator
from rules.jsonlogic.values import UNDEFINED


def property_of(container: Any, key: str) -> Any:
    """JavaScript ``container[key]`` on JSON values; ``UNDEFINED`` if there is no such property."""
    kind = type(container)
    if kind is dict:
        return container.get(key, UNDEFINED)
    if kind is list or kind is str:
        if key.isdigit() and key.isascii() and (key == "0" or key[0] != "0"):
            position = int(key)
            return container[position] if position < len(container) else UNDEFINED
        if key == "length":
            return len(container)
    return UNDEFINED


def is_whole_data(path: Any) -> bool:
    """``{"var": ""}``, ``{"var": null}`` and ``{"var": []}`` return the data itself."""
    return path is None or path is UNDEFINED or (type(path) is str and not path)


def lookup_keys(data: Any, keys: Sequence[str], fallback: Any) -> Any:
    for key in keys:
        if data is None or data is UNDEFINED:
            return fallback
        data = property_of(data, key)
        if data is UNDEFINED:
            return fallback
    return data


def lookup(data: Any, path: Any, fallback: Any = None) -> Any:
    if type(path) is str and type(data) is dict and "." not in path and path:
        value = data.get(path, UNDEFINED)
        return fallback if value is UNDEFINED else value
    if is_whole_data(path):
        return data
    keys = to_string(path).split(".")
    if len(keys) > MAX_FREE_SCAN:
        charge(len(keys))
    return lookup_keys(data, keys, fallback)


def var_keys(path: Any) -> tuple[str, ...] | None:
    """The segments of a literal ``var`` path, ``None`` when it designates the whole data."""
    if is_whole_data(path):
        return None
    return tuple(to_string(path).split("."))


def literal_path_reader(keys: tuple[str, ...], fallback: Any = None) -> Evaluator:
    """Reader for a path known at compile time.

    Objects nested in objects are by far the usual data, so that walk is unrolled for paths of one
    to three segments and a plain loop beyond; any other shape (arrays, nulls on the way) takes the
    general walk.
    """
    if len(keys) == 1:
        (key,) = keys
        if fallback is None:

            def read_key(data: Any) -> Any:
                if type(data) is dict:
                    return data.get(key)
                return lookup_keys(data, keys, None)

            return read_key

        def read_key_or(data: Any) -> Any:
            if type(data) is dict:
                value = data.get(key, UNDEFINED)
                return fallback if value is UNDEFINED else value
            return lookup_keys(data, keys, fallback)

        return read_key_or

    if len(keys) == 2:
        first, second = keys

        def read_pair(data: Any) -> Any:
            if type(data) is dict:
                parent = data.get(first)
                if type(parent) is dict:
                    value = parent.get(second, UNDEFINED)
                    return fallback if value is UNDEFINED else value
            return lookup_keys(data, keys, fallback)

        return read_pair

    if len(keys) == 3:
        first, second, third = keys

        def read_triple(data: Any) -> Any:
            if type(data) is dict:
                grandparent = data.get(first)
                if type(grandparent) is dict:
                    parent = grandparent.get(second)
                    if type(parent) is dict:
                        value = parent.get(third, UNDEFINED)
                        return fallback if value is UNDEFINED else value
            return lookup_keys(data, keys, fallback)

        return read_triple

    def read_deep(data: Any) -> Any:
        value = data
        for key in keys:
            if type(value) is not dict:
                return lookup_keys(data, keys, fallback)
            value = value.get(key, UNDEFINED)
            if value is UNDEFINED:
                return fallback
        return value

    return read_deep


def _build_var(args: Sequence[Node], _context: BuildContext) -> Evaluator:
    if not args:
        return lambda data: data
    path = args[0]
    fallback = args[1] if len(args) == 2 else None
    fixed_fallback = fallback is None or (
        fallback.constant and type(fallback.value) not in (list, dict)
    )
    if path.constant and fixed_fallback:
        keys = var_keys(path.value)
        if keys is None:
            return lambda data: data
        return literal_path_reader(keys, None if fallback is None else fallback.value)
    find = path.evaluate
    if fallback is None:
        return lambda data: lookup(data, find(data))
    default = fallback.evaluate
    return lambda data: lookup(data, find(data), default(data))


def _is_absent(value: Any) -> bool:
    return value is None or (type(value) is str and not value)


def _absent(data: Any, keys: Sequence[Any]) -> list[Any]:
    return [key for key in keys if _is_absent(lookup(data, key))]


def _literal_keys(args: Sequence[Node]) -> list[Any] | None:
    """The keys of ``missing`` when they are all literals, else ``None``."""
    if not all(arg.constant for arg in args):
        return None
    values = [arg.value for arg in args]
    keys = values[0] if values and type(values[0]) is list else values
    if any(type(key) is list or type(key) is dict for key in keys):
        return None
    return keys


def _key_readers(keys: Sequence[Any]) -> tuple[tuple[Any, Evaluator], ...]:
    readers = []
    for key in keys:
        path = var_keys(key)
        readers.append((key, (lambda data: data) if path is None else literal_path_reader(path)))
    return tuple(readers)


def _build_missing(args: Sequence[Node], _context: BuildContext) -> Evaluator:
    """``{"missing": [k1, k2…]}`` or ``{"missing": [[k1, k2…]]}``: keys null, "" or absent."""
    keys = _literal_keys(args)
    if keys is not None:
        readers = _key_readers(keys)
        return lambda data: [key for key, read in readers if _is_absent(read(data))]
    evaluators = tuple(arg.evaluate for arg in args)

    def missing(data: Any) -> list[Any]:
        values = [evaluate(data) for evaluate in evaluators]
        keys = values[0] if values and type(values[0]) is list else values
        if len(keys) > MAX_FREE_SCAN:
            charge(len(keys))
        return _absent(data, keys)

    return missing


def _build_missing_some(args: Sequence[Node], _context: BuildContext) -> Evaluator:
    """``{"missing_some": [n, keys]}``: ``[]`` if ``n`` keys are present, else the absent ones."""
    needed, options = args
    keys = _literal_keys([options])
    if needed.constant and keys is not None and type(options.value) is list:
        readers = _key_readers(keys)
        need, total = needed.value, len(keys)

        def missing_some_literal(data: Any) -> list[Any]:
            absent = [key for key, read in readers if _is_absent(read(data))]
            return [] if less_equal(need, total - len(absent)) else absent

        return missing_some_literal

    find_need, find_keys = needed.evaluate, options.evaluate

    def missing_some(data: Any) -> list[Any]:
        need, keys = find_need(data), find_keys(data)
        candidates = keys if type(keys) is list else [keys]
        if len(candidates) > MAX_FREE_SCAN:
            charge(len(candidates))
        absent = _absent(data, candidates)
        present = len(keys) - len(absent) if type(keys) in (list, str) else NAN
        return [] if less_equal(need, present) else absent

    return missing_some


def _build_log(args: Sequence[Node], _context: BuildContext) -> Evaluator:
    """Returns its argument; json-logic-js prints it, we only show it in traces."""
    return args[0].evaluate


OPERATORS: dict[str, Operator] = {
    "var": Operator(_build_var, max_args=2, foldable=False),
    "missing": Operator(_build_missing, foldable=False),
    "missing_some": Operator(_build_missing_some, min_args=2, max_args=2, foldable=False),
    "log": Operator(_build_log, min_args=1, max_args=1),
}
