"""Evaluations per second: our compiled rules vs panzi-json-logic and json-logic-qubit.

Run from the repository root: ``.venv/bin/python -m tests.benchmarks.bench_jsonlogic``.

Both libraries install a top-level ``json_logic`` package into the same directory, so whichever
was installed last owns ``json_logic/__init__.py``. Each is therefore loaded under a private name
from its own files (checked against the hashes in its wheel RECORD), not via ``import json_logic``.
Only cases on which all three implementations return the same value are timed. Our rules are
compiled once beforehand; the libraries interpret the rule on every call, as their ``apply`` does.
"""

import base64
import hashlib
import importlib
import importlib.util
import json
import sys
import time
import types
from collections.abc import Callable, Iterable
from importlib.metadata import PackagePath, distribution
from pathlib import Path
from typing import Any

from rules.jsonlogic import apply, compile

OFFICIAL_TESTS = Path(__file__).resolve().parents[1] / "fixtures" / "jsonlogic" / "tests.json"
SECONDS_PER_MEASUREMENT = 0.75

Apply = Callable[[Any, Any], Any]
Case = tuple[Any, Any]


def _installed_file(dist_name: str, relative: str) -> Path:
    """Path of ``relative`` in ``dist_name``, refusing a file another distribution overwrote."""
    dist = distribution(dist_name)
    entry: PackagePath | None = next(
        (item for item in dist.files or () if str(item) == relative), None
    )
    if entry is None or entry.hash is None:
        raise SystemExit(f"{dist_name} does not list {relative} in its RECORD")
    path = Path(str(dist.locate_file(entry)))
    digest = hashlib.sha256(path.read_bytes()).digest()
    actual = base64.urlsafe_b64encode(digest).rstrip(b"=").decode()
    if actual != entry.hash.value:
        raise SystemExit(f"{path} is not {dist_name}'s file (overwritten by another package?)")
    return path


def load_qubit() -> Apply:
    path = _installed_file("json-logic-qubit", "json_logic/__init__.py")
    spec = importlib.util.spec_from_file_location("bench_qubit_json_logic", path)
    if spec is None or spec.loader is None:
        raise SystemExit(f"cannot load {path}")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module.jsonLogic  # type: ignore[no-any-return]


def load_panzi() -> Apply:
    # panzi's modules use relative imports, so give them a package of their own whose __init__
    # is not executed (the shared json_logic/__init__.py may belong to the other library).
    path = _installed_file("panzi-json-logic", "json_logic/apply.py")
    package = types.ModuleType("bench_panzi_json_logic")
    package.__path__ = [str(path.parent)]
    sys.modules[package.__name__] = package
    module = importlib.import_module(f"{package.__name__}.apply")
    return module.apply  # type: ignore[no-any-return]


def official_cases() -> list[Case]:
    entries = json.loads(OFFICIAL_TESTS.read_text())
    return [(entry[0], entry[1]) for entry in entries if not isinstance(entry, str)]


SETTLEMENT_CONTEXT: dict[str, Any] = {
    "settlement": {
        "id": "s-saltmarsh",
        "name": "Saltmarsh",
        "level": 4,
        "kingdomId": "k-keoland",
        "variables": {
            "population": 8500,
            "prosperity": "thriving",
            "defenseRating": 7,
            "hasPort": True,
            "unrest": 2,
        },
        "structures": {
            "count": 12,
            "types": ["temple", "barracks", "market", "dock"],
            "byType": {"temple": 2, "barracks": 1, "market": 3, "dock": 2},
        },
        "tradeRoutes": [
            {"to": "Seaton", "active": True, "value": 120},
            {"to": "Burle", "active": False, "value": 40},
            {"to": "Gradsul", "active": True, "value": 300},
        ],
    },
    "world": {"now": "0592-03-15T12:00:00Z", "season": "spring"},
    "var": {"taxRate": 0.12},
}

SETTLEMENT_RULES: dict[str, Any] = {
    "can_upgrade": {
        "and": [
            {">=": [{"var": "settlement.level"}, 3]},
            {">": [{"var": "settlement.variables.population"}, 5000]},
        ]
    },
    "is_trade_hub": {
        "and": [
            {"in": ["market", {"var": "settlement.structures.types"}]},
            {
                "or": [
                    {"var": "settlement.variables.hasPort"},
                    {">=": [{"var": "settlement.structures.byType.market"}, 2]},
                ]
            },
        ]
    },
    "is_fortified": {
        ">=": [
            {
                "+": [
                    {"var": "settlement.variables.defenseRating"},
                    {"*": [{"var": "settlement.structures.byType.barracks"}, 2]},
                ]
            },
            8,
        ]
    },
    "size_label": {
        "if": [
            {">": [{"var": "settlement.variables.population"}, 10000]},
            "city",
            {">": [{"var": "settlement.variables.population"}, 1000]},
            "town",
            "village",
        ]
    },
    "unrest_risk": {
        "or": [
            {">": [{"var": "settlement.variables.unrest"}, 5]},
            {
                "and": [
                    {"<": [{"var": "settlement.variables.defenseRating"}, 3]},
                    {"==": [{"var": "settlement.variables.prosperity"}, "struggling"]},
                ]
            },
        ]
    },
    "tax_income": {"*": [{"var": "settlement.variables.population"}, {"var": "var.taxRate"}]},
    "active_trade_value": {
        "reduce": [
            {"filter": [{"var": "settlement.tradeRoutes"}, {"var": "active"}]},
            {"+": [{"var": "accumulator"}, {"var": "current.value"}]},
            0,
        ]
    },
    "has_temple_and_market": {
        "and": [
            {">": [{"var": "settlement.structures.byType.temple"}, 0]},
            {">": [{"var": "settlement.structures.byType.market"}, 0]},
        ]
    },
    "in_home_kingdom": {"===": [{"var": "settlement.kingdomId"}, "k-keoland"]},
    "season_level": {
        "if": [
            {"in": [{"var": "world.season"}, ["spring", "summer"]]},
            {"+": [{"var": "settlement.level"}, 1]},
            {"var": "settlement.level"},
        ]
    },
    "missing_census": {
        "missing_some": [
            2,
            [
                "settlement.variables.population",
                "settlement.variables.prosperity",
                "settlement.variables.wealth",
            ],
        ]
    },
}


def settlement_cases() -> list[Case]:
    return [(rule, SETTLEMENT_CONTEXT) for rule in SETTLEMENT_RULES.values()]


def _same(left: Any, right: Any) -> bool:
    """JSON equality as JavaScript sees numbers: 1020 and 1020.0 agree, true and 1 do not."""
    if isinstance(left, bool) or isinstance(right, bool):
        return type(left) is type(right) and left == right
    if isinstance(left, int | float) and isinstance(right, int | float):
        return left == right
    if isinstance(left, list) and isinstance(right, list):
        return len(left) == len(right) and all(map(_same, left, right))
    if isinstance(left, dict) and isinstance(right, dict):
        return left.keys() == right.keys() and all(_same(left[key], right[key]) for key in left)
    return type(left) is type(right) and left == right


def agreed_cases(cases: Iterable[Case], libraries: dict[str, Apply]) -> list[Case]:
    agreed = []
    for rule, data in cases:
        try:
            ours = apply(rule, data)
            if all(_same(ours, library(rule, data)) for library in libraries.values()):
                agreed.append((rule, data))
        except Exception:  # a case any implementation rejects is simply not timed
            continue
    return agreed


def evaluations_per_second(run_all: Callable[[], None], case_count: int) -> float:
    run_all()
    rounds = 0
    started = time.perf_counter()
    elapsed = 0.0
    while elapsed < SECONDS_PER_MEASUREMENT:
        run_all()
        rounds += 1
        elapsed = time.perf_counter() - started
    return rounds * case_count / elapsed


def measure(cases: list[Case], libraries: dict[str, Apply]) -> dict[str, float]:
    compiled = [(compile(rule).evaluate, data) for rule, data in cases]

    def ours() -> None:
        for evaluate, data in compiled:
            evaluate(data)

    def ours_apply() -> None:
        for rule, data in cases:
            apply(rule, data)

    def library_runner(library: Apply) -> Callable[[], None]:
        def run() -> None:
            for rule, data in cases:
                library(rule, data)

        return run

    rates = {"ours (compiled)": evaluations_per_second(ours, len(cases))}
    rates["ours apply() (cache lookup)"] = evaluations_per_second(ours_apply, len(cases))
    for name, library in libraries.items():
        rates[name] = evaluations_per_second(library_runner(library), len(cases))
    return rates


def report(
    title: str, cases: list[Case], rates: dict[str, float], libraries: Iterable[str]
) -> None:
    print(f"\n{title}: {len(cases)} cases")
    for name, rate in rates.items():
        print(f"  {name:<30} {rate:>14,.0f} evals/s")
    fastest_name = max(libraries, key=lambda name: rates[name])
    ratio = rates["ours (compiled)"] / rates[fastest_name]
    print(f"  RATIO ours (compiled) / {fastest_name} (faster competitor) = {ratio:.1f}x")


def main() -> None:
    libraries = {"panzi-json-logic": load_panzi(), "json-logic-qubit": load_qubit()}
    suites = {
        "(a) official suite, cases all three agree on": official_cases(),
        "(b) settlement rules": settlement_cases(),
    }
    for title, cases in suites.items():
        agreed = agreed_cases(cases, libraries)
        report(title, agreed, measure(agreed, libraries), libraries)


if __name__ == "__main__":
    main()
