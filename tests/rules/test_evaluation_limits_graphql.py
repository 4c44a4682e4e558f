"""Memory bombs through rules, sent over GraphQL (issue 7, item 3).

A condition built of nested ``cat``/``merge`` evaluated against a 97 KB context, and derived state
variables multiplying text level after level, are refused by the evaluation limit that names the
resource (``rules.jsonlogic.limits``): a request asking for the evaluation is a BAD_REQUEST and
nothing is written, while a stored rule's value reports its error instead of the value.
"""

import json
import tracemalloc
from typing import Any

from campaign.models import AuditLog
from rules.jsonlogic.limits import MAX_BUILT, MAX_RESULT
from rules.models import StateVariable
from tests.builders import Scene
from tests.graphql_client import GraphQLClient, error_of, ok

BUILT_MESSAGE = f"evaluation exceeded the limit of {MAX_BUILT} characters and array elements built"
RESULT_MESSAGE = f"result exceeds the limit of {MAX_RESULT} characters and elements"
CONTEXT_BYTES = 97_000
# The request itself (its body parsed, validated, the rule compiled for tracing, the answer) costs
# a few dozen copies of its context; the evaluation adds at most 8 bytes a unit of max_built.
# Unbounded, the rule below builds 290 MB.
PEAK_BOUND = 50 * CONTEXT_BYTES + 8 * MAX_BUILT
CREATE_CONDITION = (
    "mutation($i: CreateFieldConditionInput!) { createFieldCondition(input: $i) { id } }"
)
EVALUATE_CONDITION = (
    "query($i: EvaluateConditionInput!) { evaluateFieldCondition(input: $i) {"
    " success value error trace { operation output } } }"
)
CREATE_VARIABLE = (
    "mutation($i: CreateStateVariableInput!) { createStateVariable(input: $i) { id version } }"
)
UPDATE_VARIABLE = (
    "mutation($id: ID!, $i: UpdateStateVariableInput!) {"
    " updateStateVariable(id: $id, input: $i) { id version } }"
)
LIST_VARIABLES = "{ listStateVariables { key value valueError } }"


def campaign_variable(gql: GraphQLClient, scene: Scene, key: str, **fields: Any) -> dict[str, Any]:
    variable = {"scope": "CAMPAIGN", "scopeId": scene.ids["campaign"], "key": key, **fields}
    created: dict[str, Any] = ok(gql(CREATE_VARIABLE, {"i": variable}, "gm"))["createStateVariable"]
    return created


def repeated_cat(key: str, times: int = 100) -> dict[str, Any]:
    return {"cat": [{"var": f"var.{key}"}] * times}


def test_nested_cat_and_merge_over_a_97_kb_context_is_a_bad_request_within_a_bounded_peak(
    gql: GraphQLClient, scene: Scene
) -> None:
    # Given a condition merging 50 concatenations of a context value 60 times over
    expression = {"merge": [{"cat": [{"var": "s"}] * 60}] * 50}
    condition = ok(
        gql(
            CREATE_CONDITION,
            {
                "i": {
                    "entityType": "SETTLEMENT",
                    "entityId": scene.ids["settlement"],
                    "field": "bomb",
                    "expression": expression,
                }
            },
            "gm",
        )
    )["createFieldCondition"]
    context = {"s": "x" * CONTEXT_BYTES}

    # When a reader evaluates it against a 97 KB context (270 MB of text if built)
    tracemalloc.start()
    try:
        body = gql(
            EVALUATE_CONDITION,
            {"i": {"conditionId": condition["id"], "context": context}},
            "viewer",
        )
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()

    # Then it is refused by the limit on what an evaluation builds, named in the error
    error = error_of(body)
    assert error["extensions"]["code"] == "BAD_REQUEST"
    assert error["extensions"]["field"] == "context"
    assert error["message"] == BUILT_MESSAGE
    assert body["data"] is None
    assert peak < PEAK_BOUND


def test_reading_a_value_over_the_result_limit_is_a_bad_request(
    gql: GraphQLClient, scene: Scene
) -> None:
    # Given a condition that returns what the context holds
    condition = ok(
        gql(
            CREATE_CONDITION,
            {
                "i": {
                    "entityType": "SETTLEMENT",
                    "entityId": scene.ids["settlement"],
                    "field": "echo",
                    "expression": {"var": "s"},
                }
            },
            "gm",
        )
    )["createFieldCondition"]

    def evaluate(text: str) -> dict[str, Any]:
        variables = {"i": {"conditionId": condition["id"], "context": {"s": text}}}
        return gql(EVALUATE_CONDITION, variables, "viewer")

    # When it is evaluated at the result limit and one character over
    at_limit = ok(evaluate("y" * MAX_RESULT))["evaluateFieldCondition"]
    over = error_of(evaluate("y" * (MAX_RESULT + 1)))

    # Then the first answers and the second is refused, naming the limit
    assert at_limit["value"] == "y" * MAX_RESULT
    assert over["extensions"] == {"code": "BAD_REQUEST", "field": "context"}
    assert over["message"] == RESULT_MESSAGE


def test_a_derived_formula_beyond_the_limits_is_refused_and_nothing_is_written(
    gql: GraphQLClient, scene: Scene
) -> None:
    # Given a 1,000-character campaign variable s and a derived a = 100 x s (100,000 characters)
    campaign_variable(gql, scene, "s", type="STRING", value="x" * 1_000)
    campaign_variable(gql, scene, "a", type="DERIVED", formula=repeated_cat("s"))
    small = campaign_variable(gql, scene, "c", type="DERIVED", formula={"var": "var.s"})
    variables_before = StateVariable.all_objects.count()
    audit_before = AuditLog.objects.count()

    # When a GM creates b = 100 x a (10 MB), or turns c into it
    created = gql(
        CREATE_VARIABLE,
        {
            "i": {
                "scope": "CAMPAIGN",
                "scopeId": scene.ids["campaign"],
                "key": "b",
                "type": "DERIVED",
                "formula": repeated_cat("a"),
            }
        },
        "gm",
    )
    updated = gql(UPDATE_VARIABLE, {"id": small["id"], "i": {"formula": repeated_cat("a")}}, "gm")

    # Then both are refused, naming the limit, and nothing is written
    message = f"The formula cannot be evaluated within the limits: {BUILT_MESSAGE}"
    for body in (created, updated):
        error = error_of(body)
        assert error["extensions"] == {"code": "BAD_REQUEST", "field": "formula"}
        assert error["message"] == message
    assert StateVariable.all_objects.count() == variables_before
    assert AuditLog.objects.count() == audit_before
    kept = StateVariable.objects.get(uid=small["id"])
    assert (kept.formula, kept.version) == ({"var": "var.s"}, small["version"])
    listed = ok(gql(LIST_VARIABLES, persona="viewer"))["listStateVariables"]
    assert {v["key"]: len(v["value"]) for v in listed if v["key"] in {"a", "c", "s"}} == {
        "a": 100_000,
        "c": 1_000,
        "s": 1_000,
    }


def test_derived_values_that_outgrow_the_limits_report_an_error_instead(
    gql: GraphQLClient, scene: Scene
) -> None:
    # Given s (1 character), a = 100 x s and b = 100 x a, saved while they are small
    stored = campaign_variable(gql, scene, "s", type="STRING", value="x")
    a = campaign_variable(gql, scene, "a", type="DERIVED", formula=repeated_cat("s"))
    campaign_variable(gql, scene, "b", type="DERIVED", formula=repeated_cat("a"))

    def grow_s_and_list(length: int) -> dict[str, Any]:
        ok(gql(UPDATE_VARIABLE, {"id": stored["id"], "i": {"value": "x" * length}}, "gm"))
        return gql(LIST_VARIABLES, persona="viewer")

    # When s grows to 1,000 characters (a is 100,000 and b would be 10 MB)
    listed = grow_s_and_list(1_000)

    # Then b reports the limit on what it builds instead of its value, and the list stays small
    values = {v["key"]: v for v in ok(listed)["listStateVariables"]}
    assert values["a"] == {"key": "a", "value": "x" * 100_000, "valueError": None}
    assert values["b"] == {"key": "b", "value": None, "valueError": BUILT_MESSAGE}
    assert len(json.dumps(listed)) < MAX_RESULT + 10_000

    # When s grows to 1,001 characters (a would be 100,100)
    listed = grow_s_and_list(1_001)
    evaluated = gql(
        "query($i: EvaluateVariableInput!) { evaluateStateVariable(input: $i) { value } }",
        {"i": {"variableId": a["id"]}},
        "viewer",
    )

    # Then a reports the result limit instead of its value, b has nothing to repeat, and asking
    # to evaluate a is refused naming the limit
    values = {v["key"]: v for v in ok(listed)["listStateVariables"]}
    assert values["a"] == {"key": "a", "value": None, "valueError": RESULT_MESSAGE}
    assert values["b"] == {"key": "b", "value": "", "valueError": None}
    assert len(json.dumps(listed)) < 10_000
    assert error_of(evaluated)["extensions"] == {"code": "BAD_REQUEST", "field": "context"}
    assert error_of(evaluated)["message"] == RESULT_MESSAGE


def test_a_condition_whose_value_exceeds_the_result_limit_reports_an_error(
    gql: GraphQLClient, scene: Scene
) -> None:
    # Given a campaign text of 1,000 characters and a settlement condition repeating it 101 times
    campaign_variable(gql, scene, "s", type="STRING", value="x" * 1_000)
    ok(
        gql(
            CREATE_CONDITION,
            {
                "i": {
                    "entityType": "SETTLEMENT",
                    "entityId": scene.ids["settlement"],
                    "field": "motto",
                    "expression": repeated_cat("s", 101),
                }
            },
            "gm",
        )
    )

    # When the settlement's computed fields are read
    body = ok(
        gql(
            "query($id: ID!) { settlement(id: $id) { computedFields computedFieldErrors } }",
            {"id": scene.ids["settlement"]},
            "viewer",
        )
    )["settlement"]

    # Then the field has no value and its error names the limit
    assert "motto" not in body["computedFields"]
    [error] = body["computedFieldErrors"]["motto"]
    assert error.endswith(f": {RESULT_MESSAGE}")
