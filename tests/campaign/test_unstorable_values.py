"""Values the database or a library would choke on are a BAD_REQUEST naming the field, never an
internal error, and write nothing: NUL characters and lone surrogates, NaN and Infinity, numbers
beyond a double, runaway JSON nesting, in entity and rule inputs alike."""

import json
from typing import Any

import pytest

from campaign.actions import fields, kingdoms
from campaign.models import (
    Campaign,
    Kingdom,
)
from kernel.actor import Actor
from kernel.errors import ValidationError
from rules import expressions, jsonlogic
from rules.models import Effect, FieldCondition, StateVariable
from tests import builders
from tests.graphql_client import GraphQLClient, refusal

CREATE_KINGDOM = (
    "mutation($c: ID!, $n: String!, $v: JSON) {"
    " createKingdom(input: {campaignId: $c, name: $n, variables: $v}) { id } }"
)


def nested(depth: int) -> Any:
    value: Any = 1
    for _ in range(depth):
        value = {"a": value}
    return value


def features(depth: int) -> Any:
    value: Any = {"type": "Point", "coordinates": [1, 2]}
    for _ in range(depth):
        value = {"type": "Feature", "geometry": value}
    return value


@pytest.mark.parametrize("bad", ["a\x00b", "\ud800"])
def test_text_cleaners_refuse_what_no_column_stores(bad: str) -> None:
    for cleaner in (fields.name, fields.text):
        with pytest.raises(ValidationError) as error:
            cleaner(bad, "description")
        assert error.value.field == "description"
        assert "NUL" in error.value.message


@pytest.mark.parametrize(
    "value",
    [
        {"a": "x\x00"},
        {"a\x00": 1},
        [["\x00"]],
        {"a": float("nan")},
        {"a": [float("inf")]},
        {"a": -float("inf")},
        {"a": 10**400},
        {"a": {1, 2}},
        nested(fields.MAX_JSON_DEPTH + 1),
        [nested(500)],
    ],
    ids=[
        "nul-value",
        "nul-key",
        "nul-in-list",
        "nan",
        "infinity",
        "minus-infinity",
        "huge-int",
        "not-json",
        "too-deep",
        "far-too-deep",
    ],
)
def test_json_value_refuses_what_the_database_cannot_hold(value: Any) -> None:
    with pytest.raises(ValidationError) as error:
        fields.json_value(value, "variables")

    assert error.value.field == "variables"
    for cleaner in (fields.json_object, fields.json_list):
        wrapped = {"x": value} if cleaner is fields.json_object else [value]
        with pytest.raises(ValidationError):
            cleaner(wrapped, "variables")


def test_json_value_accepts_plain_json() -> None:
    value = {"a": [1, 2.5, True, None, "text", {"b": "ünïcode ✓"}], "deep": nested(63)}

    assert fields.json_value(value, "variables") is value


@pytest.mark.parametrize(
    ("name", "variables", "field", "status"),
    [
        # Unstorable text is refused with the request, before execution (a 400); deep JSON by
        # the action.
        ("a\x00b", None, "name", 400),
        ("K", {"x": "\x00"}, "variables", 400),
        ("K", {"a\x00": 1}, "variables", 400),
        ("K", {"x": nested(500)}, "variables", 200),
    ],
    ids=["nul-in-name", "nul-in-value", "nul-in-key", "deep-variables"],
)
def test_graphql_refuses_unstorable_strings_and_deep_json(
    gql: GraphQLClient,
    campaign: Campaign,
    writes: Any,
    name: str,
    variables: Any,
    field: str,
    status: int,
) -> None:
    before = writes()

    response = gql.response(
        CREATE_KINGDOM, {"c": str(campaign.pk), "n": name, "v": variables}, "owner"
    )
    answered, body = response.status_code, json.loads(response.content)

    assert answered == status
    assert refusal(body)["extensions"]["field"] == field
    assert not Kingdom.objects.exists()
    assert writes() == before


@pytest.mark.parametrize("number", ["NaN", "Infinity", "-Infinity", "1e400"])
def test_non_finite_numbers_in_a_request_body_are_a_400(
    gql: GraphQLClient, campaign: Campaign, writes: Any, number: str
) -> None:
    before = writes()
    raw = (
        f'{{"query": {json.dumps(CREATE_KINGDOM)},'
        f' "variables": {{"c": "{campaign.pk}", "n": "K", "v": {{"x": {number}}}}}}}'
    )

    response = gql.response(raw=raw, persona="owner")
    status, body = response.status_code, json.loads(response.content)

    assert status == 400
    assert number in refusal(body, "BAD_USER_INPUT")["message"]
    assert not Kingdom.objects.exists()
    assert writes() == before


def test_non_finite_numbers_in_variables_sent_as_a_string_are_a_400(
    gql: GraphQLClient, campaign: Campaign
) -> None:
    variables = f'{{"c": "{campaign.pk}", "n": "K", "v": {{"x": NaN}}}}'

    response = gql.response(
        raw=json.dumps({"query": CREATE_KINGDOM, "variables": variables}), persona="owner"
    )
    status, body = response.status_code, json.loads(response.content)

    assert status == 400
    assert "NaN" in refusal(body, "BAD_USER_INPUT")["message"]
    assert not Kingdom.objects.exists()


def test_rule_json_is_checked_before_it_is_stored(
    gql: GraphQLClient, owner: Actor, campaign: Campaign, writes: Any
) -> None:
    kingdom = builders.kingdom(owner, campaign)
    event = builders.event(owner, campaign, name="E", event_type="story")
    before = writes()
    cases = [
        (
            "mutation($i: CreateFieldConditionInput!) { createFieldCondition(input: $i) { id } }",
            {"entityType": "kingdom", "entityId": str(kingdom.uid), "field": "f"},
            "expression",
            {"cat": ["a\x00"]},
        ),
        (
            "mutation($i: CreateStateVariableInput!) { createStateVariable(input: $i) { id } }",
            {"scope": "CAMPAIGN", "scopeId": str(campaign.pk), "key": "k", "type": "DERIVED"},
            "formula",
            {"cat": ["\x00"]},
        ),
        (
            "mutation($i: CreateStateVariableInput!) { createStateVariable(input: $i) { id } }",
            {"scope": "CAMPAIGN", "scopeId": str(campaign.pk), "key": "k", "type": "STRING"},
            "value",
            "a\x00",
        ),
        (
            "mutation($i: CreateEffectInput!) { createEffect(input: $i) { id } }",
            {"entityType": "event", "entityId": str(event.uid), "name": "e", "effectType": "p"},
            "payload",
            [{"op": "replace", "path": "/description", "value": "\x00"}],
        ),
        (
            "mutation($i: CreateEffectInput!) { createEffect(input: $i) { id } }",
            {"entityType": "event", "entityId": str(event.uid), "name": "e", "effectType": "p"},
            "payload",
            [{"op": "replace", "path": "/description", "value": nested(200)}],
        ),
    ]
    for query, given, field, bad in cases:
        body = gql(query, {"i": {**given, field: bad}}, "owner")

        assert refusal(body)["extensions"]["field"] == field, (field, bad)
    assert not FieldCondition.objects.exists()
    assert not StateVariable.objects.exists()
    assert not Effect.objects.exists()
    assert writes() == before


def test_expressions_refuse_nan_and_infinity() -> None:
    for number in (float("nan"), float("inf")):
        with pytest.raises(jsonlogic.MalformedRuleError, match="finite"):
            jsonlogic.canonical_json({"==": [number, 1]})
        with pytest.raises(ValidationError) as error:
            expressions.validate({"==": [{"var": "a"}, number]}, "formula")
        assert error.value.field == "formula"


def test_kingdoms_with_clean_input_are_unaffected(owner: Actor, campaign: Campaign) -> None:
    kingdom = kingdoms.create_kingdom(
        owner,
        campaign_id=campaign.pk,
        data={"name": "Brevoy", "variables": {"motto": "ünïcode ✓", "n": 1.5}},
    )

    assert Kingdom.objects.get(pk=kingdom.pk).variables == {"motto": "ünïcode ✓", "n": 1.5}
