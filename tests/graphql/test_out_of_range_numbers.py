"""Numbers no double holds (issue 7, item 9): ``1e400`` or a 5,000-digit integer, written in the
document or sent in the variables, is a BAD_REQUEST naming the input field, not an internal error
(graphql-core made the literal an infinite Float, and Python refuses ``int()`` of more than 4,300
digits), and the mutation does not run."""

import json

import pytest

from campaign.models import Kingdom
from tests.builders import Dataset
from tests.graphql_client import GraphQLClient, error_of

HUGE = "9" * 5000
UPDATE = (
    "mutation($id: ID!, $input: UpdateKingdomInput!) {"
    " updateKingdom(id: $id, input: $input) { version } }"
)


def post(gql: GraphQLClient, body: str) -> dict[str, object]:
    """POST a body written by hand (json.dumps cannot write 1e400) as the campaign's owner."""
    response = gql.response(raw=body, persona="owner")
    assert response.status_code == 400, response.content
    result: dict[str, object] = response.json()
    return result


def version(data: Dataset) -> int:
    return Kingdom.objects.get(uid=data.kingdom).version


@pytest.mark.parametrize(
    ("literal", "field"),
    [("expectedVersion: 1e400", "expectedVersion"), (f"level: {HUGE}", "level")],
    ids=["float-1e400", "int-5000-digits"],
)
def test_a_number_literal_out_of_range_is_a_bad_request_naming_the_field(
    gql: GraphQLClient, data: Dataset, literal: str, field: str
) -> None:
    # Given an update whose input holds a number no double holds
    before = version(data)
    document = (
        f'mutation {{ updateKingdom(id: "{data.kingdom}", input: {{ name: "K", {literal} }})'
        " { version } }"
    )

    # When it is sent
    error = error_of(post(gql, json.dumps({"query": document})))

    # Then it is refused naming the field and the number, and nothing is written
    assert error["extensions"] == {"code": "GRAPHQL_VALIDATION_FAILED", "field": field}
    shown = literal.split(": ")[1][:20]
    assert error["message"].startswith(f"{field} holds {shown}")
    assert error["message"].endswith("numbers must be finite (within ±1.8e308)")
    assert version(data) == before


@pytest.mark.parametrize(
    ("value", "field", "shown"),
    [
        ('"expectedVersion": 1e400', "expectedVersion", "1e400"),
        (f'"level": {HUGE}', "level", f"{HUGE[:20]}… (5000 characters)"),
    ],
    ids=["float-1e400", "int-5000-digits"],
)
def test_a_number_out_of_range_in_the_variables_is_a_bad_request_naming_the_field(
    gql: GraphQLClient, data: Dataset, value: str, field: str, shown: str
) -> None:
    # Given the same update with the number in its variables
    before = version(data)
    body = (
        f'{{"query": {json.dumps(UPDATE)},'
        f' "variables": {{"id": "{data.kingdom}", "input": {{"name": "K", {value}}}}}}}'
    )

    # When it is sent
    error = error_of(post(gql, body))

    # Then the variable's input field is named, with where the number sits in the request
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": field}
    assert error["message"] == (
        f"variables.input.{field} holds {shown}: numbers must be finite (within ±1.8e308)"
    )
    assert version(data) == before


def test_a_variable_that_is_itself_out_of_range_is_named(gql: GraphQLClient, data: Dataset) -> None:
    # Given a variable holding the number directly, the variables sent as a JSON string
    document = (
        "mutation($id: ID!, $v: Float) {"
        ' updateKingdom(id: $id, input: {name: "K", expectedVersion: $v}) { version } }'
    )
    variables = f'{{"id": "{data.kingdom}", "v": -1e400}}'

    # When it is sent
    error = error_of(post(gql, json.dumps({"query": document, "variables": variables})))

    # Then the variable is named
    assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": "v"}
    assert error["message"].startswith("variables.v holds -1e400")
