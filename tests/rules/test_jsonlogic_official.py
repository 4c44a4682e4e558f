"""Conformance: every case of the official JsonLogic suite and of compat-tables' "compatible" suite.

The suites are vendored in ``tests/fixtures/jsonlogic/`` (its README names their source and
licence). A missing file fails the run rather than skipping it: conformance is a gate, not an
optional extra.
"""

import json
from pathlib import Path
from typing import Any

import pytest

from rules.jsonlogic import apply

SUITES = Path(__file__).resolve().parents[1] / "fixtures" / "jsonlogic"
OFFICIAL_SUITE = SUITES / "tests.json"
COMPATIBLE_SUITE = SUITES / "compatible.json"
MISSING = object()


def same_json(actual: Any, expected: Any) -> bool:
    """Equality as JavaScript sees JSON values: ``1 == 1.0``, but ``true`` is not ``1``."""
    if isinstance(actual, bool) or isinstance(expected, bool):
        return type(actual) is type(expected) and actual == expected
    if isinstance(actual, int | float) and isinstance(expected, int | float):
        return actual == expected
    if isinstance(actual, list) and isinstance(expected, list):
        return len(actual) == len(expected) and all(map(same_json, actual, expected))
    if isinstance(actual, dict) and isinstance(expected, dict):
        return actual.keys() == expected.keys() and all(
            same_json(actual[key], expected[key]) for key in actual
        )
    return type(actual) is type(expected) and actual == expected


def _case_id(section: str, number: int, rule: Any) -> str:
    text = json.dumps(rule, separators=(",", ":"))
    if len(text) > 60:
        text = text[:57] + "..."
    return f"{section} #{number} {text}"


def _missing_suite(path: Path) -> list[Any]:
    return [pytest.param(MISSING, path, None, id=f"missing {path.name}")]


def official_cases() -> list[Any]:
    if not OFFICIAL_SUITE.is_file():
        return _missing_suite(OFFICIAL_SUITE)
    cases: list[Any] = []
    section = "start"
    for entry in json.loads(OFFICIAL_SUITE.read_text()):
        if isinstance(entry, str):
            section = entry.lstrip("# ").strip()
            continue
        rule, data, expected = entry
        cases.append(pytest.param(rule, data, expected, id=_case_id(section, len(cases), rule)))
    return cases


def compatible_cases() -> list[Any]:
    if not COMPATIBLE_SUITE.is_file():
        return _missing_suite(COMPATIBLE_SUITE)
    cases: list[Any] = []
    section = "start"
    for entry in json.loads(COMPATIBLE_SUITE.read_text()):
        if isinstance(entry, str):
            section = entry.lstrip("# ").strip()
            continue
        case_id = _case_id(section, len(cases), entry["rule"])
        cases.append(pytest.param(entry["rule"], entry.get("data"), entry, id=case_id))
    return cases


def test_official_suite_is_complete() -> None:
    # Given the vendored suite file
    # When its cases are collected
    cases = [case for case in official_cases() if case.values[0] is not MISSING]

    # Then all 277 are there
    assert len(cases) == 277, f"expected 277 cases in {OFFICIAL_SUITE}"


def test_compatible_suite_is_complete() -> None:
    cases = [case for case in compatible_cases() if case.values[0] is not MISSING]

    assert len(cases) == 278, f"expected 278 cases in {COMPATIBLE_SUITE}"


@pytest.mark.parametrize(("rule", "data", "expected"), official_cases())
def test_official_case(rule: Any, data: Any, expected: Any) -> None:
    if rule is MISSING:
        pytest.fail(f"suite file not found: {data}")

    # When the rule is applied to the case's data
    result = apply(rule, data)

    # Then it matches json-logic-js
    assert same_json(result, expected), f"got {result!r}, expected {expected!r}"


@pytest.mark.parametrize(("rule", "data", "case"), compatible_cases())
def test_compatible_case(rule: Any, data: Any, case: Any) -> None:
    if rule is MISSING:
        pytest.fail(f"suite file not found: {data}")

    # When the rule is applied (the suite's "compatible" cases all expect a result, no error)
    result = apply(rule, data)

    # Then it matches the suite

    assert same_json(result, case["result"]), f"got {result!r}, expected {case['result']!r}"
