"""The codes of a refused document or its variables are the ones the original's server (Apollo)
sent: a client of the original tells a typo in its query from a bad value it was given."""

import pytest

from tests.graphql.conftest import Dataset
from tests.graphql_client import GraphQLClient


def only_error(body: dict) -> dict:
    assert not body.get("data"), body
    (error,) = body["errors"]
    return error  # type: ignore[no-any-return]


@pytest.mark.parametrize(
    "document",
    [
        pytest.param("{ health { status }", id="unclosed"),
        pytest.param("query { health(", id="truncated"),
        pytest.param("{ " + "a " * 3_001 + "}", id="too-many-tokens"),
    ],
)
def test_a_document_that_does_not_parse_is_graphql_parse_failed(
    gql: GraphQLClient, data: Dataset, document: str
) -> None:
    error = only_error(gql(document, None, "owner"))

    assert error["extensions"]["code"] == "GRAPHQL_PARSE_FAILED", error


@pytest.mark.parametrize(
    "document",
    [
        pytest.param("{ health { nope } }", id="unknown-field"),
        pytest.param("{ campaign(nope: 1) { id } }", id="unknown-argument"),
        pytest.param('{ kingdom(id: 7) { id } } query Two { health { status } }', id="anonymous"),
        pytest.param('mutation { updateKingdom(id: "k", input: {level: "high"}) { id } }',
                     id="literal-of-the-wrong-type"),
    ],
)  # fmt: skip
def test_a_document_that_does_not_validate_is_graphql_validation_failed(
    gql: GraphQLClient, data: Dataset, document: str
) -> None:
    body = gql(document, None, "owner")

    assert body["errors"], body
    assert not body.get("data"), body
    assert {e["extensions"]["code"] for e in body["errors"]} == {"GRAPHQL_VALIDATION_FAILED"}


def test_a_variable_of_the_wrong_type_is_bad_user_input_naming_it(
    gql: GraphQLClient, data: Dataset
) -> None:
    document = (
        "mutation($id: ID!, $input: UpdateKingdomInput!) {"
        " updateKingdom(id: $id, input: $input) { id } }"
    )

    error = only_error(gql(document, {"id": data.kingdom, "input": {"level": "high"}}, "owner"))

    assert error["extensions"] == {"code": "BAD_USER_INPUT", "field": "level"}


def test_a_value_the_domain_refuses_keeps_its_domain_code(
    gql: GraphQLClient, data: Dataset
) -> None:
    document = (
        "mutation($id: ID!, $input: UpdateKingdomInput!) {"
        " updateKingdom(id: $id, input: $input) { id } }"
    )

    error = only_error(gql(document, {"id": data.kingdom, "input": {"level": -5}}, "owner"))

    assert error["extensions"]["code"] == "BAD_REQUEST"
    assert error["extensions"]["field"] == "level"
