"""Request limits (docs/graphql-contract.md#limits): query depth, cost per selected field
(introspection included), introspection nesting and list sizes. Hostile documents are in
test_document_limits, the request body's size in tests/test_request_body_limit."""

from graphql import get_introspection_query

from api.graphql.limits import MAX_COST, MAX_DEPTH, MAX_LIST_SIZE
from campaign.models import Branch, Kingdom
from tests.builders import Dataset
from tests.graphql_client import GraphQLClient, error_of, ok


def nested(depth: int) -> str:
    """A branch query ``depth`` fields deep: branch { parent { parent { … id } } }."""
    inner = "id"
    for _ in range(depth - 2):
        inner = f"parent {{ {inner} }}"
    return f"query($id: ID!) {{ branch(id: $id) {{ {inner} }} }}"


def test_a_query_at_the_depth_limit_runs(gql: GraphQLClient, data: Dataset) -> None:
    # Given a query exactly MAX_DEPTH deep
    # When it is sent
    body = gql(nested(MAX_DEPTH), {"id": data.side_branch}, "viewer")

    # Then it runs
    assert ok(body)["branch"]["parent"]["parent"] is None


def test_a_query_past_the_depth_limit_is_refused(gql: GraphQLClient, data: Dataset) -> None:
    # Given a query one level deeper than allowed
    # When it is sent
    body = gql(nested(MAX_DEPTH + 1), {"id": data.side_branch}, "viewer")

    # Then the document does not validate, and the error names the depth and the limit
    error = error_of(body)
    assert error["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    assert f"depth {MAX_DEPTH + 1}" in error["message"]
    assert f"limit of {MAX_DEPTH}" in error["message"]
    assert "data" not in body


def test_fragments_count_toward_depth(gql: GraphQLClient, data: Dataset) -> None:
    # Given a query whose depth is hidden in a fragment
    inner = "id"
    for _ in range(MAX_DEPTH - 1):
        inner = f"parent {{ {inner} }}"
    document = (
        f"query($id: ID!) {{ branch(id: $id) {{ ...Deep }} }} fragment Deep on Branch {{ {inner} }}"
    )

    # When it is sent
    body = gql(document, {"id": data.side_branch}, "viewer")

    # Then the depth limit still applies
    assert f"depth {MAX_DEPTH + 1}" in error_of(body)["message"]


def costly(fields: int) -> str:
    """``fields`` selected fields (a multiple of four) in aliased health checks."""
    checks = (f"h{i}: health {{ status timestamp version }}" for i in range(fields // 4))
    return "{ " + " ".join(checks) + " }"


def test_a_query_at_the_cost_limit_runs(gql: GraphQLClient, data: Dataset) -> None:
    # Given MAX_COST selected fields
    # When the query is sent
    body = gql(costly(MAX_COST))

    # Then it runs
    assert len(ok(body)) == MAX_COST // 4


def test_a_query_past_the_cost_limit_is_refused(gql: GraphQLClient, data: Dataset) -> None:
    # Given more selected fields than the cost budget
    # When the query is sent
    body = gql(costly(MAX_COST + 4))

    # Then the document does not validate, and the error names the cost and the limit
    error = error_of(body)
    assert error["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    assert f"cost {MAX_COST + 4}" in error["message"]
    assert f"limit of {MAX_COST}" in error["message"]


def test_a_fragment_spread_twice_costs_twice(gql: GraphQLClient, data: Dataset) -> None:
    # Given a fragment of (MAX_COST / 2) fields spread under two aliases
    fields = " ".join(f"s{i}: status" for i in range(MAX_COST // 2))
    document = (
        f"{{ a: health {{ ...F }} b: health {{ ...F }} }} fragment F on HealthCheck {{ {fields} }}"
    )

    # When it is sent
    body = gql(document)

    # Then each spread counts: the cost is over the budget
    assert f"cost {MAX_COST + 2}" in error_of(body)["message"]


def test_the_standard_introspection_query_runs(gql: GraphQLClient, data: Dataset) -> None:
    # Given the introspection query GraphiQL and code generators send
    document = get_introspection_query(descriptions=True, input_value_deprecation=True)

    # When it is sent
    body = gql(document)

    # Then the schema comes back
    types = {t["name"] for t in ok(body)["__schema"]["types"]}
    assert {"Query", "Mutation", "Settlement", "GeoJSON"} <= types


def test_circular_introspection_is_refused(gql: GraphQLClient, data: Dataset) -> None:
    # Given an introspection query that nests the type graph three lists deep (each list
    # multiplies the answer by the size of the schema)
    document = "{ __schema { types { fields { type { fields { type { fields { name } } } } } } } }"

    # When it is sent
    error = error_of(gql(document))

    # Then it is refused before it runs
    assert error["extensions"]["code"] == "GRAPHQL_VALIDATION_FAILED"
    assert "Introspection" in error["message"]


def test_introspection_counts_toward_the_cost(gql: GraphQLClient, data: Dataset) -> None:
    # Given many aliased introspection fields: 1 + 2 + 2 * 500
    names = " ".join(f"n{i}: name" for i in range(500))
    document = (
        "{ __schema { a: types { ...Names } b: types { ...Names } } }"
        f" fragment Names on __Type {{ {names} }}"
    )

    # When they are sent
    error = error_of(gql(document))

    # Then the cost limit applies to them too
    message = f"Query cost {MAX_COST + 3} of the operation exceeds the limit of {MAX_COST}"
    assert error["message"] == message


def test_lists_are_capped(gql: GraphQLClient, data: Dataset) -> None:
    # Given more kingdoms than a list may return
    branch = Branch.objects.get(pk=data.main_branch)
    Kingdom.objects.bulk_create(
        Kingdom(branch=branch, name=f"Kingdom {i:04d}") for i in range(MAX_LIST_SIZE + 5)
    )

    # When they are listed
    body = gql(
        "query($c: ID!) { kingdomsByCampaign(campaignId: $c) { id } }",
        {"c": data.campaign},
        "viewer",
    )

    # Then the list stops at the cap
    assert len(ok(body)["kingdomsByCampaign"]) == MAX_LIST_SIZE
