"""Text no column can store (NUL, a lone UTF-16 surrogate) is refused where it enters the API:
a BAD_REQUEST naming the input field, for every string argument and filter, whether the string
comes as a literal of the document or in the variables (issue 7, item 5)."""

import json
from dataclasses import dataclass
from typing import Any

import pytest

from campaign.models import Kingdom
from tests.builders import Dataset
from tests.graphql_client import GraphQLClient, error_of

NUL, LONE_SURROGATE = "a\x00b", "a\ud800b"
# How a literal reaches the parser: as GraphQL's \u escape, or as the raw character (which JSON
# carries as its own \u escape).
ESCAPED, RAW = "escaped", "raw"


@dataclass(frozen=True)
class Filter:
    """A root field whose argument ``$v`` (of ``type``) holds ``shape(text)``; a bad ``text``
    must be refused naming ``field``."""

    call: str
    type: str
    shape: Any
    field: str


FILTERS = {
    "entityAuditHistory": Filter(
        'entityAuditHistory(entityType: "kingdom", entityId: "{kingdom}", operations: $v) {{ id }}',
        "[String!]",
        lambda text: ["UPDATE", text],
        "operations",
    ),
    "userAuditHistory": Filter(
        'userAuditHistory(userId: "{owner}", entityTypes: $v) {{ id }}',
        "[String!]",
        lambda text: [text],
        "entityTypes",
    ),
    "listFieldConditions": Filter(
        'listFieldConditions(campaignId: "{campaign}", where: $v) {{ id }}',
        "FieldConditionWhereInput",
        lambda text: {"entityType": "settlement", "field": text},
        "field",
    ),
    "listStateVariables": Filter(
        'listStateVariables(campaignId: "{campaign}", where: $v) {{ id }}',
        "StateVariableWhereInput",
        lambda text: {"key": text},
        "key",
    ),
    "listEffects": Filter(
        'listEffects(campaignId: "{campaign}", where: $v) {{ id }}',
        "EffectWhereInput",
        lambda text: {"name": text},
        "name",
    ),
    "getVariablesForScope": Filter(
        'getVariablesForScope(scope: CAMPAIGN, scopeId: "{campaign}", key: $v) {{ id }}',
        "String",
        lambda text: text,
        "key",
    ),
    "getConditionsForEntity": Filter(
        'getConditionsForEntity(entityType: "settlement", entityId: "{settlement}", field: $v)'
        " {{ id }}",
        "String",
        lambda text: text,
        "field",
    ),
}


def literal(value: Any, form: str) -> str:
    """``value`` written as a GraphQL literal, its strings in the given form."""
    if isinstance(value, str):
        return f'"{value}"' if form == RAW else json.dumps(value)
    if isinstance(value, list):
        return "[" + ", ".join(literal(item, form) for item in value) + "]"
    return "{" + ", ".join(f"{key}: {literal(item, form)}" for key, item in value.items()) + "}"


def call(name: str, data: Dataset) -> str:
    return FILTERS[name].call.format(
        kingdom=data.kingdom,
        owner=data.users["owner"],
        campaign=data.campaign,
        settlement=data.settlement,
    )


def refused(body: dict[str, Any], field: str) -> None:
    error = error_of(body)
    assert error["extensions"] == {"code": "BAD_REQUEST", "field": field}, error
    assert error["message"] == f"{field} must not contain NUL characters or unpaired surrogates"
    assert body.get("data") is None


@pytest.mark.parametrize("text", [NUL, LONE_SURROGATE], ids=["nul", "lone-surrogate"])
@pytest.mark.parametrize("name", FILTERS)
def test_a_filter_variable_with_unstorable_text_is_refused_naming_the_field(
    gql: GraphQLClient, data: Dataset, name: str, text: str
) -> None:
    # Given a filter passed in a variable, holding NUL or a lone surrogate
    spec = FILTERS[name]
    query = f"query($v: {spec.type}) {{ {call(name, data)} }}"

    # When an owner runs the query
    body = gql(query, {"v": spec.shape(text)}, "owner")

    # Then it is a bad request naming the filter's field, not an internal error
    refused(body, spec.field)


@pytest.mark.parametrize("form", [ESCAPED, RAW])
@pytest.mark.parametrize("name", FILTERS)
def test_a_filter_literal_with_nul_is_refused_naming_the_field(
    gql: GraphQLClient, data: Dataset, name: str, form: str
) -> None:
    spec = FILTERS[name]
    query = "{ " + call(name, data).replace("$v", literal(spec.shape(NUL), form)) + " }"

    body = gql(query, None, "owner")

    refused(body, spec.field)


@pytest.mark.parametrize("form", [ESCAPED, RAW])
@pytest.mark.parametrize("name", FILTERS)
def test_a_filter_literal_with_a_lone_surrogate_is_a_syntax_error(
    gql: GraphQLClient, data: Dataset, name: str, form: str
) -> None:
    # A document cannot even hold a lone surrogate: the parser refuses it where it stands.
    spec = FILTERS[name]
    query = "{ " + call(name, data).replace("$v", literal(spec.shape(LONE_SURROGATE), form)) + " }"

    error = error_of(gql(query, None, "owner"))

    assert error["extensions"] == {"code": "GRAPHQL_PARSE_FAILED"}
    expected = "Invalid Unicode escape sequence" if form == ESCAPED else "Invalid character"
    assert error["message"].startswith(f"Syntax Error: {expected}")
    assert error["locations"][0]["line"] == 1


def test_a_variable_is_named_after_the_argument_it_is_passed_to(
    gql: GraphQLClient, data: Dataset
) -> None:
    query = "query($t: [String!]) { userAuditHistory(userId: $u, entityTypes: $t) { id } }"
    query = query.replace("$u", f'"{data.users["owner"]}"')

    refused(gql(query, {"t": ["kingdom", NUL]}, "owner"), "entityTypes")


def test_a_variable_within_an_input_literal_is_named_after_its_field(
    gql: GraphQLClient, data: Dataset
) -> None:
    query = (
        "query($k: String) {"
        f' listStateVariables(campaignId: "{data.campaign}", where: {{key: $k}}) {{ id }} }}'
    )

    refused(gql(query, {"k": LONE_SURROGATE}, "owner"), "key")


def test_a_variable_used_in_a_fragment_is_named_after_its_argument(
    gql: GraphQLClient, data: Dataset
) -> None:
    query = (
        "query($f: String) { ...Rules }"
        " fragment Rules on Query {"
        f' getConditionsForEntity(entityType: "settlement", entityId: "{data.settlement}",'
        " field: $f) { id } }"
    )

    refused(gql(query, {"f": NUL}, "owner"), "field")


def test_an_unused_variable_is_named_after_itself(gql: GraphQLClient, data: Dataset) -> None:
    refused(gql("{ health { status } }", {"stray": [{"deep": NUL}]}, "owner"), "stray")


@pytest.mark.parametrize("text", [NUL, LONE_SURROGATE], ids=["nul", "lone-surrogate"])
def test_a_mutation_input_with_unstorable_text_writes_nothing(
    gql: GraphQLClient, data: Dataset, text: str
) -> None:
    # Given a kingdom input whose name holds unstorable text
    query = "mutation($input: CreateKingdomInput!) { createKingdom(input: $input) { id } }"
    before = Kingdom.objects.count()

    # When the owner creates it
    body = gql(query, {"input": {"campaignId": data.campaign, "name": text}}, "owner")

    # Then the field is named as the input's own field, and nothing is written
    refused(body, "name")
    assert Kingdom.objects.count() == before


CONTEXTS = {
    "nul-value": {"a": {"b": ["x", NUL]}},
    "lone-surrogate-value": {"a": [{"b": LONE_SURROGATE}]},
    "nul-key": {"a": {NUL: 1}},
    "lone-surrogate-key": {LONE_SURROGATE: 1},
}
EVALUATE = "evaluateFieldCondition(input: $input) { success }"


@pytest.mark.parametrize("context", CONTEXTS.values(), ids=CONTEXTS.keys())
def test_a_json_argument_holding_unstorable_text_is_refused_as_a_whole(
    gql: GraphQLClient, data: Dataset, context: dict[str, Any]
) -> None:
    # PostgreSQL's jsonb cannot hold NUL anywhere in a value, keys included.
    given = {"conditionId": data.campaign, "context": context}

    body = gql(
        f"query($input: EvaluateConditionInput!) {{ {EVALUATE} }}", {"input": given}, "owner"
    )

    refused(body, "context")


def test_a_json_variable_within_an_input_literal_is_named_after_its_field(
    gql: GraphQLClient, data: Dataset
) -> None:
    query = (
        "query($c: JSON!) {"
        f' evaluateFieldCondition(input: {{conditionId: "{data.campaign}", context: $c}})'
        " { success } }"
    )

    refused(gql(query, {"c": CONTEXTS["nul-key"]}, "owner"), "context")


def test_a_json_literal_holding_nul_is_refused_as_a_whole(
    gql: GraphQLClient, data: Dataset
) -> None:
    given = {"conditionId": data.campaign, "context": CONTEXTS["nul-value"]}
    query = "{ " + EVALUATE.replace("$input", literal(given, ESCAPED)) + " }"

    refused(gql(query, None, "owner"), "context")


def test_a_default_value_with_nul_is_named_after_its_variable(
    gql: GraphQLClient, data: Dataset
) -> None:
    query = (
        'query($key: String = "\\u0000") {'
        f" getVariablesForScope(scope: CAMPAIGN, scopeId: {json.dumps(data.campaign)},"
        " key: $key) { id } }"
    )

    refused(gql(query, None, "owner"), "key")


def test_ordinary_text_still_filters(gql: GraphQLClient, data: Dataset) -> None:
    # The same filters with storable text (accents, emoji, a surrogate pair) run as before.
    spec = FILTERS["entityAuditHistory"]
    query = f"query($v: {spec.type}) {{ {call('entityAuditHistory', data)} }}"

    body = gql(query, {"v": spec.shape("Élan 🐉")}, "owner")

    assert not body.get("errors"), body
    assert [row["id"] for row in body["data"]["entityAuditHistory"]]
