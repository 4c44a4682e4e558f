"""The engine around the semantics: caching, limits, validation paths, traces, variables, extras."""

import json
import time
from typing import Any

import pytest

from rules.jsonlogic import (
    CompiledRule,
    EvaluationError,
    JsonLogicError,
    LimitExceededError,
    Limits,
    MalformedRuleError,
    UnknownOperatorError,
    apply,
    compile,
    validate,
)

# json-logic-js 2.0.5 behaviour, as
# (rule, data, result) with results in their JSON form (NaN and Infinity become null).
JSON_LOGIC_JS_PARITY: list[tuple[Any, Any, Any]] = [
    ({"<": [{"var": "x"}, 10]}, {}, True),
    ({"==": [{"var": "x"}, None]}, {}, True),
    ({"==": [None, 0]}, None, False),
    ({"<=": [None, 0]}, None, True),
    ({"==": [[1], 1]}, None, True),
    ({"==": ["0", False]}, None, True),
    ({"!==": ["5", 5]}, None, True),
    ({"!!": ["0"]}, None, True),
    ({"and": []}, None, None),
    ({"or": [0, "", 3]}, None, 3),
    ({"if": [False, 1, True, 2, 3]}, None, 2),
    ({"if": [{"var": "x"}, "yes", "no"]}, {"x": []}, "no"),
    ({"+": [{"var": "x"}, 1]}, {"x": None}, None),
    ({"+": ["3 apples", 1]}, None, 4),
    ({"-": ["5", 2]}, None, 3),
    ({"%": [-7, 2]}, None, -1),
    ({"/": [1, 0]}, None, None),
    ({"max": []}, None, None),
    ({"max": ["3", 2]}, None, 3),
    ({">": ["10", "9"]}, None, False),
    ({">": ["10", 9]}, None, True),
    ({">=": ["medium", "large"]}, None, True),
    ({"<=": [1, 1, 0]}, None, False),
    ({"in": ["1", [1, 2]]}, None, False),
    ({"in": ["a", {"var": "missing"}]}, {}, False),
    ({"cat": ["a", None, 1, True, [1, 2], 1.5, 2.0]}, None, "a1true1,21.52"),
    ({"substr": ["hello", 1, -1]}, None, "ell"),
    ({"merge": [1, [2, 3]]}, None, [1, 2, 3]),
    ({"all": [None, {"var": ""}]}, None, False),
    ({"none": [None, {"var": ""}]}, None, True),
    ({"var": ["a.b", 42]}, {"a": {}}, 42),
    ({"var": ["a", 0]}, {"a": False}, False),
    ({"var": "a.1.b"}, {"a": [0, {"b": 2}]}, 2),
    ({"var": "a.b.c"}, {"a.b": {"c": 1}}, None),
    ({"var": "tags.length"}, {"tags": ["x", "y"]}, 2),
    ({"var": "__proto__"}, {}, None),
    ({"a": 1, "b": 2}, None, {"a": 1, "b": 2}),
]


@pytest.mark.parametrize(("rule", "data", "expected"), JSON_LOGIC_JS_PARITY)
def test_matches_json_logic_js(rule: Any, data: Any, expected: Any) -> None:
    result = apply(rule, data)

    assert result == expected
    assert type(result) is type(expected)


def test_compiling_the_same_rule_twice_returns_the_cached_object() -> None:
    # Given two spellings of one rule (key order differs in a literal object)
    first = {"==": [{"var": "kind"}, {"a": 1, "b": 2}]}
    second = {"==": [{"var": "kind"}, {"b": 2, "a": 1}]}

    # When both are compiled
    compiled = compile(first)

    # Then they share one compiled object
    assert compile(second) is compiled
    assert compiled.canonical == '{"==":[{"var":"kind"},{"a":1,"b":2}]}'


def test_different_limits_compile_separately() -> None:
    rule = {"var": "x"}

    assert compile(rule, limits=Limits(max_steps=500)) is not compile(rule)


def test_mutating_the_callers_rule_after_compiling_changes_nothing() -> None:
    rule: dict[str, Any] = {"in": [{"var": "x"}, ["a", "b"]]}
    compiled = compile(rule)

    rule["in"][1].append("x")

    assert compiled.evaluate({"x": "x"}) is False


def test_mutating_a_result_does_not_change_the_next_one() -> None:
    compiled = compile({"merge": [[1, 2], [3]]})

    compiled.evaluate().append(4)

    assert compiled.evaluate() == [1, 2, 3]


def test_results_are_json_values() -> None:
    assert apply({"/": [6, 2]}) == 3
    assert type(apply({"/": [6, 2]})) is int
    assert apply({"-": [{"and": []}, 1]}) is None
    assert apply({"merge": [{"/": [0, 0]}, 1.5]}) == [None, 1.5]


def test_rules_nested_deeper_than_the_limit_are_rejected() -> None:
    # Given 65 nested negations (the default limit is 64 levels)
    rule: Any = {"var": "x"}
    for _ in range(64):
        rule = {"!": rule}

    # When validated, Then the error says where the limit was crossed
    with pytest.raises(LimitExceededError, match="deeper than 64") as error:
        validate(rule)
    assert error.value.path == "$" + "['!']" * 64


def test_rules_at_the_depth_limit_are_accepted() -> None:
    rule: Any = {"var": "x"}
    for _ in range(63):
        rule = {"!": rule}

    validate(rule)


def test_depth_limit_counts_operators_and_literal_arrays() -> None:
    rule = {"and": [{"or": [{"in": ["a", ["a"]]}]}]}

    validate(rule, limits=Limits(max_depth=4))
    with pytest.raises(LimitExceededError, match="deeper than 3") as error:
        validate(rule, limits=Limits(max_depth=3))
    assert error.value.path == "$.and[0].or[0].in[1]"


def test_absurdly_deep_rules_fail_cleanly() -> None:
    rule: Any = 1
    for _ in range(100_000):
        rule = [rule]

    with pytest.raises(LimitExceededError):
        compile(rule)


def test_rules_with_too_many_nodes_are_rejected() -> None:
    with pytest.raises(LimitExceededError, match="more than 10000 nodes"):
        validate({"+": list(range(10_000))})


def test_reduce_over_a_million_items_stops_with_a_limit_error() -> None:
    # Given a sum over a million numbers (each item costs the 3 nodes of the reducer body)
    rule = {"reduce": [{"var": "xs"}, {"+": [{"var": "current"}, {"var": "accumulator"}]}, 0]}
    data = {"xs": list(range(1_000_000))}
    compiled = compile(rule)

    # When evaluated
    started = time.perf_counter()
    with pytest.raises(LimitExceededError, match="100000 steps"):
        compiled.evaluate(data)

    # Then it gave up without walking the collection
    assert time.perf_counter() - started < 2


def test_a_reduce_that_doubles_its_accumulator_is_stopped() -> None:
    rule = {
        "reduce": [
            {"var": "xs"},
            {"merge": [{"var": "accumulator"}, {"var": "accumulator"}]},
            [1],
        ]
    }

    with pytest.raises(LimitExceededError):
        apply(rule, {"xs": list(range(64))})


def test_nested_loops_share_one_budget() -> None:
    rule = {"map": [{"var": "rows"}, {"map": [{"var": ""}, {"+": [{"var": ""}, 1]}]}]}
    small = Limits(max_steps=200)

    assert apply(rule, {"rows": [[1, 2]] * 3}, limits=small) == [[2, 3]] * 3
    with pytest.raises(LimitExceededError):
        apply(rule, {"rows": [list(range(10))] * 10}, limits=small)


def test_short_circuiting_loops_only_pay_for_items_visited() -> None:
    rule = {"and": [{"some": [{"var": "xs"}, {"var": ""}]}, {"some": [{"var": "xs"}, {"var": ""}]}]}
    data = {"xs": [1] + [0] * 60}

    assert apply(rule, data, limits=Limits(max_steps=100)) is True


def test_a_rule_larger_than_the_step_budget_cannot_compile() -> None:
    with pytest.raises(LimitExceededError, match="more than the limit of 5"):
        compile({"+": [1, {"var": "a"}, {"var": "b"}]}, limits=Limits(max_steps=5))


def test_unknown_operator_is_reported_with_its_path() -> None:
    with pytest.raises(UnknownOperatorError) as error:
        validate({"and": [True, {"foo": [1]}]})

    assert error.value.path == "$.and[1].foo"
    assert error.value.operator == "foo"
    assert "Unrecognized operation foo" in str(error.value)


def test_not_is_not_an_operator() -> None:
    with pytest.raises(UnknownOperatorError, match="Unrecognized operation not"):
        compile({"not": [True]})


@pytest.mark.parametrize(
    ("rule", "path"),
    [
        ({"if": [{"==": [1]}, 1, 2]}, "$.if[0]['==']"),
        ({"*": []}, "$['*']"),
        ({">": [1, 2, 3]}, "$['>']"),
        ({"map": [{"var": "xs"}]}, "$.map"),
        ({"!": {"or": [{"var": ["a", 1, 2]}]}}, "$['!'].or[0].var"),
        ({"some": [{"var": "xs"}, {"nope": 1}]}, "$.some[1].nope"),
        ({"date_add": ["2024-01-01", 1, "fortnights"]}, "$.date_add"),
    ],
)
def test_malformed_rules_are_reported_with_their_path(rule: Any, path: str) -> None:
    with pytest.raises(MalformedRuleError) as error:
        validate(rule)

    assert error.value.path == path


def test_values_that_are_not_json_are_malformed() -> None:
    with pytest.raises(MalformedRuleError, match="not a JSON value"):
        validate({"in": ["a", {"a", "b"}]})


def test_objects_without_exactly_one_key_are_data() -> None:
    validate({"foo": 1, "bar": 2})

    assert apply({"==": [{}, {}]}) is False


def test_every_error_is_a_json_logic_error() -> None:
    for error_type in (UnknownOperatorError, LimitExceededError, EvaluationError):
        assert issubclass(error_type, JsonLogicError)
    assert issubclass(UnknownOperatorError, MalformedRuleError)


def test_trace_lists_each_operator_with_path_inputs_and_output() -> None:
    # Given a range check
    rule = compile({"and": [{">": [{"var": "x"}, 1]}, {"<": [{"var": "x"}, 10]}]})

    # When traced
    trace = rule.trace({"x": 5})

    # Then every operator appears once, children before parents, the root last
    assert trace.value is True
    assert trace.error is None
    assert [(step.op, step.path, step.inputs, step.output) for step in trace.steps] == [
        ("var", "$.and[0]['>'][0]", ("x",), 5),
        (">", "$.and[0]", (5, 1), True),
        ("var", "$.and[1]['<'][0]", ("x",), 5),
        ("<", "$.and[1]", (5, 10), True),
        ("and", "$", (True, True), True),
    ]
    json.dumps(trace.as_dict())


def test_trace_shows_only_what_was_evaluated() -> None:
    trace = compile({"or": [True, {"var": "x"}]}).trace({})

    assert [step.op for step in trace.steps] == ["or"]
    assert trace.steps[0].inputs == (True,)


def test_trace_of_a_loop_lists_the_body_per_item() -> None:
    trace = compile({"map": [{"var": "xs"}, {"*": [{"var": ""}, 2]}]}).trace({"xs": [1, 2]})

    assert trace.value == [2, 4]
    assert [step.op for step in trace.steps] == ["var", "var", "*", "var", "*", "map"]
    assert trace.steps[-1].inputs == ([1, 2], 2, 4)


def test_trace_reports_errors_with_the_steps_so_far() -> None:
    trace = compile({"and": [{"var": "x"}, {"date_add": [{"var": "x"}, 1, "days"]}]}).trace(
        {"x": "not a date"}
    )

    assert trace.value is None
    assert isinstance(trace.error, EvaluationError)
    assert [step.op for step in trace.steps] == ["var", "var"]
    assert trace.as_dict()["error"] == str(trace.error)


def test_log_returns_its_argument_without_printing(capsys: pytest.CaptureFixture[str]) -> None:
    rule = compile({"log": {"var": "x"}})

    assert rule.evaluate({"x": "hello"}) == "hello"
    assert rule.trace({"x": "hello"}).steps[-1].as_dict() == {
        "op": "log",
        "path": "$",
        "inputs": ["hello"],
        "output": "hello",
    }
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == ""


def test_variables_lists_the_literal_paths_read_from_the_data() -> None:
    rule = compile(
        {
            "and": [
                {">=": [{"var": "settlement.level"}, 3]},
                {"var": ["settlement.variables.population", 0]},
                {"var": 1},
                {"missing": ["a", "b.c"]},
                {"missing_some": [1, ["d", "e"]]},
                {"map": [{"var": "routes"}, {"var": "value"}]},
                {"reduce": [{"var": "xs"}, {"var": "current"}, {"var": "start"}]},
            ]
        }
    )

    assert rule.variables == {
        "settlement.level",
        "settlement.variables.population",
        "1",
        "a",
        "b.c",
        "d",
        "e",
        "routes",
        "xs",
        "start",
    }
    assert rule.has_dynamic_variables is False


@pytest.mark.parametrize(
    "rule",
    [
        {"var": {"cat": ["a", ".b"]}},
        {"var": ""},
        {"missing": {"merge": ["a", {"var": "b"}]}},
    ],
)
def test_reads_that_cannot_be_listed_mark_the_rule_dynamic(rule: Any) -> None:
    assert compile(rule).has_dynamic_variables is True


@pytest.mark.parametrize(
    ("rule", "expected"),
    [
        ({"between": [5, 1, 10]}, True),
        ({"between": [10, 1, 10]}, True),
        ({"between": [11, 1, 10]}, False),
        ({"between": ["5", 1, 10]}, True),
        ({"clamp": [15, 0, 10]}, 10),
        ({"clamp": [-3, 0, 10]}, 0),
        ({"clamp": [4.5, 0, 10]}, 4.5),
        ({"round": [2.675, 2]}, 2.68),
        ({"round": [-2.5]}, -3),
        ({"round": [1234, -2]}, 1200),
        ({"floor": [-1.5]}, -2),
        ({"ceil": ["3.2"]}, 4),
        ({"abs": [-3]}, 3),
        ({"date_add": ["0592-03-15T12:00:00Z", 2, "days"]}, "0592-03-17T12:00:00Z"),
        ({"date_add": ["0592-03-15", -1, "week"]}, "0592-03-08"),
        ({"date_add": ["0592-03-15T12:00:00.000Z", 90, "minutes"]}, "0592-03-15T13:30:00.000Z"),
        ({"date_add": ["0592-03-15", 6, "hours"]}, "0592-03-15T06:00:00"),
        ({"date_add": [None, 1, "days"]}, None),
        ({"date_diff": ["0592-03-17T00:00:00Z", "0592-03-15T12:00:00Z", "days"]}, 1.5),
        ({"date_diff": ["0592-03-15T00:00:00", "0592-03-15T06:00:00+00:00", "hours"]}, -6),
    ],
)
def test_custom_operators(rule: Any, expected: Any) -> None:
    assert apply(rule) == expected


@pytest.mark.parametrize(
    "rule",
    [
        {"clamp": [5, 10, 0]},
        {"round": [1.5, 0.5]},
        {"date_add": ["yesterday", 1, "days"]},
        {"date_add": ["0592-03-15", "soon", "days"]},
        {"date_diff": [{"var": "when"}, "0592-03-15", {"var": "unit"}]},
    ],
)
def test_custom_operators_reject_garbage_at_evaluation(rule: Any) -> None:
    compiled = compile(rule)

    with pytest.raises(EvaluationError) as error:
        compiled.evaluate({"when": "0592-03-16", "unit": "fortnights"})
    assert error.value.path is not None


def test_extra_operators_receive_evaluated_arguments() -> None:
    def tier(population: Any) -> str:
        return "city" if population > 10_000 else "town"

    rule = {"tier": [{"var": "population"}]}

    assert apply(rule, {"population": 12_000}, operators={"tier": tier}) == "city"
    assert compile(rule, operators={"tier": tier}) is compile(rule, operators={"tier": tier})
    with pytest.raises(UnknownOperatorError):
        compile(rule)


def test_extra_operators_cannot_replace_built_ins() -> None:
    with pytest.raises(ValueError, match="cannot redefine operators: var"):
        compile({"var": "x"}, operators={"var": lambda path: path})


def test_failures_inside_extra_operators_become_evaluation_errors() -> None:
    def explode(_value: Any) -> None:
        raise RuntimeError("boom")

    with pytest.raises(EvaluationError, match="boom"):
        apply({"explode": 1}, operators={"explode": explode})


def test_compiled_rules_are_reusable_across_data() -> None:
    rule: CompiledRule = compile({"if": [{"missing": "name"}, "anonymous", {"var": "name"}]})

    assert [rule.evaluate(data) for data in ({}, {"name": ""}, {"name": "Ada"})] == [
        "anonymous",
        "anonymous",
        "Ada",
    ]
