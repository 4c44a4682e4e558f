"""Error codes and messages (docs/graphql-contract.md#errors): not found, stale versions,
invalid input naming the field, request limits, malformed requests (never a 500) and internal
errors without internals."""

import json
import uuid
from typing import Any

import pytest
from django.test import Client

from campaign.models import AuditLog, Kingdom, Location, Version
from tests.builders import Dataset, geo_point
from tests.graphql_client import GRAPHQL_URL, GraphQLClient, bearer, error_of, ok, persona_user

UNKNOWN = "00000000-0000-4000-8000-000000000000"

# --- not found ---------------------------------------------------------------------------------

GETTERS = (
    "world", "campaign", "location", "branch", "kingdom", "settlement", "structure", "party",
    "character", "event", "encounter", "link",
)  # fmt: skip


@pytest.mark.parametrize("field", GETTERS)
def test_get_by_id_of_an_unknown_id_is_null(gql: GraphQLClient, data: Dataset, field: str) -> None:
    # Given an id that names nothing
    # When the owner asks for it
    body = gql(f"query($id: ID!) {{ {field}(id: $id) {{ id }} }}", {"id": UNKNOWN}, "owner")

    # Then the nullable getter answers null, without an error
    assert ok(body) == {field: None}


@pytest.mark.parametrize(
    ("mutation", "args"),
    [
        ('updateKingdom(id: $id, input: {name: "X"}) { id }', {}),
        ("updateSettlement(id: $id, input: {level: 2}) { id }", {}),
        ("archiveStructure(id: $id) { id }", {}),
        ("setPartyLevel(id: $id, level: 3) { id }", {}),
        ("deleteCharacter(id: $id) { id }", {}),
        ('updateEvent(id: $id, input: {name: "X"}) { id }', {}),
        ("restoreEncounter(id: $id) { id }", {}),
        ('updateLink(id: $id, input: {description: "X"}) { id }', {}),
        ('updateCampaign(id: $id, input: {name: "X"}) { id }', {}),
        ('updateWorld(id: $id, input: {name: "X"}) { id }', {}),
        ('updateLocation(id: $id, input: {name: "X"}) { id }', {}),
        ('updateBranch(id: $id, input: {name: "X"}) { id }', {}),
        ("deleteBranch(id: $id)", {}),
    ],
    ids=lambda v: v.split("(")[0] if isinstance(v, str) else "",
)
def test_mutation_of_an_unknown_id_is_not_found(
    gql: GraphQLClient, data: Dataset, mutation: str, args: dict[str, Any]
) -> None:
    # Given an id that names nothing
    # When the owner changes it
    body = gql(f"mutation($id: ID!) {{ {mutation} }}", {"id": UNKNOWN}, "owner")

    # Then the error is NOT_FOUND, naming the id
    error = error_of(body)
    assert error["extensions"]["code"] == "NOT_FOUND"
    assert UNKNOWN in error["message"]
    assert body["data"] is None


def test_a_hidden_entity_reads_exactly_like_a_missing_one(
    gql: GraphQLClient, data: Dataset
) -> None:
    # Given a kingdom of a campaign the outsider is not in, and an id that names nothing
    query = "query($id: ID!) { settlementsByKingdom(kingdomId: $id) { id } }"

    # When the outsider asks for both
    hidden = error_of(gql(query, {"id": data.kingdom}, "outsider"))
    missing = error_of(gql(query, {"id": UNKNOWN}, "outsider"))

    # Then both answers have the same shape and code: nothing tells them apart
    assert hidden["extensions"]["code"] == missing["extensions"]["code"] == "NOT_FOUND"
    assert hidden["extensions"].keys() == missing["extensions"].keys()
    assert hidden["message"].replace(data.kingdom, "?") == missing["message"].replace(UNKNOWN, "?")
    assert hidden["extensions"]["field"] == "kingdomId"


@pytest.mark.parametrize(
    "query",
    [
        "query($id: ID!) { kingdom(id: $id) { id } }",
        "query($id: ID!) { branch(id: $id) { id } }",
        "query($id: ID!) { location(id: $id) { id } }",
        "query($id: ID!) { kingdomsByCampaign(campaignId: $id) { id } }",
        "query($id: ID!) { settlementAtLocation(locationId: $id) { id } }",
        'query($id: ID!) { entityAuditHistory(entityType: "kingdom", entityId: $id) { id } }',
        "mutation($id: ID!) { archiveKingdom(id: $id) { id } }",
    ],
    ids=lambda q: q.split("{ ")[1].split("(")[0],
)
def test_anonymous_probing_an_unknown_id_is_unauthenticated(
    gql: GraphQLClient, data: Dataset, query: str
) -> None:
    # Given no credentials
    # When an anonymous caller asks for an id that names nothing
    body = gql(query, {"id": UNKNOWN})

    # Then the answer is UNAUTHENTICATED, as for a real id (null or NOT_FOUND would tell them
    # which ids exist)
    assert error_of(body)["extensions"]["code"] == "UNAUTHENTICATED"


# --- stale expectedVersion ---------------------------------------------------------------------

STALE = [
    ("updateKingdom", "kingdom", '{name: "X", expectedVersion: $v}'),
    ("updateSettlement", "settlement", '{name: "X", expectedVersion: $v}'),
    ("updateStructure", "structure", '{name: "X", expectedVersion: $v}'),
    ("updateParty", "party", '{name: "X", expectedVersion: $v}'),
    ("updateCharacter", "member", '{name: "X", expectedVersion: $v}'),
    ("updateEvent", "event", '{name: "X", expectedVersion: $v}'),
    ("updateEncounter", "encounter", '{name: "X", expectedVersion: $v}'),
    ("updateLink", "link", '{description: "X", expectedVersion: $v}'),
    ("updateCampaign", "campaign", '{name: "X", expectedVersion: $v}'),
    ("updateWorld", "world", '{name: "X", expectedVersion: $v}'),
    ("updateLocation", "free_location", '{name: "X", expectedVersion: $v}'),
    ("updateLocationGeometry", "free_location", "{geoJson: $g, expectedVersion: $i}"),
    ("updateBranch", "side_branch", '{name: "X", expectedVersion: $i}'),
]


@pytest.mark.parametrize(("mutation", "attr", "input_"), STALE, ids=[s[0] for s in STALE])
def test_stale_expected_version_is_a_conflict_and_writes_nothing(
    gql: GraphQLClient, data: Dataset, mutation: str, attr: str, input_: str
) -> None:
    # Given an entity at version N and a client that read version N - 1 (or never existed: 99)
    entity_id = getattr(data, attr)
    version = current_version(gql, mutation, entity_id)
    stale = version - 1 if version > 1 else version + 98
    audit_rows, version_rows = AuditLog.objects.count(), Version.objects.count()

    # When the client updates with its stale version
    declared = {"v": "Float", "i": "Int", "g": "GeoJSON!"}
    used = [name for name in declared if f"${name}" in input_]
    variables = ", ".join(f"${name}: {declared[name]}" for name in used)
    body = gql(
        f"mutation($id: ID!, {variables}) {{"
        f" {mutation}(id: $id, input: {input_}) {{ id version }} }}",
        {"id": entity_id, "v": stale, "i": stale, "g": geo_point(1, 1)},
        "owner",
    )

    # Then it is a CONFLICT naming both versions, and nothing was written
    error = error_of(body)
    assert error["extensions"]["code"] == "CONFLICT"
    assert error["extensions"]["expectedVersion"] == stale
    assert error["extensions"]["actualVersion"] == version
    assert f"{stale}" in error["message"]
    assert (AuditLog.objects.count(), Version.objects.count()) == (audit_rows, version_rows)
    assert current_version(gql, mutation, entity_id) == version


def current_version(gql: GraphQLClient, mutation: str, entity_id: str) -> int:
    getter = {
        "updateLocationGeometry": "location",
        "updateLocation": "location",
    }.get(mutation, mutation.removeprefix("update").lower())
    body = gql(f"query($id: ID!) {{ {getter}(id: $id) {{ version }} }}", {"id": entity_id}, "owner")
    version: int = ok(body)[getter]["version"]
    return version


def test_stale_expected_version_of_set_level_is_a_conflict(
    gql: GraphQLClient, data: Dataset
) -> None:
    # Given a kingdom at version 2
    # When its level is set expecting version 1
    body = gql(
        "mutation($id: ID!) { setKingdomLevel(id: $id, level: 3, expectedVersion: 1) { id } }",
        {"id": data.kingdom},
        "gm",
    )

    # Then it is a CONFLICT and the level is unchanged
    error = error_of(body)
    assert error["extensions"].items() >= {"code": "CONFLICT", "expectedVersion": 1}.items()
    assert error["extensions"]["actualVersion"] == 2
    assert Kingdom.objects.get(uid=data.kingdom, branch_id=data.main_branch).level == 1


# --- invalid input names the field -------------------------------------------------------------

INVALID = [
    pytest.param(
        "mutation($id: ID!) { setSettlementVariable(settlementId: $id,"
        ' input: {name: "population", value: "lots"}) { name } }',
        "settlement",
        "variables.population",
        id="variable-of-wrong-type",
    ),
    pytest.param(
        'mutation($id: ID!) { updateSettlement(id: $id, input: {variables: {population: "lots"}})'
        " { id } }",
        "settlement",
        "variables.population",
        id="variables-against-schema",
    ),
    pytest.param(
        "mutation($id: ID!) { updateKingdom(id: $id, input: {variables: {gold: 1}}) { id } }",
        "kingdom",
        "variables.gold",
        id="undeclared-variable",
    ),
    pytest.param(
        "mutation($id: ID!) { setKingdomLevel(id: $id, level: 11) { id } }",
        "kingdom",
        "level",
        id="kingdom-level-out-of-range",
    ),
    pytest.param(
        "mutation($id: ID!) { setStructureLevel(id: $id, level: 0) { id } }",
        "structure",
        "level",
        id="structure-level-out-of-range",
    ),
    pytest.param(
        "mutation($id: ID!) { updateCharacter(id: $id, input: {level: 21}) { id } }",
        "member",
        "level",
        id="character-level-out-of-range",
    ),
    pytest.param(
        'mutation($id: ID!) { createKingdom(input: {campaignId: $id, name: "K", level: 99})'
        " { id } }",
        "campaign",
        "level",
        id="create-level-out-of-range",
    ),
    pytest.param(
        'mutation($id: ID!) { updateKingdom(id: $id, input: {name: "   "}) { id } }',
        "kingdom",
        "name",
        id="blank-name",
    ),
    pytest.param(
        'mutation($id: String!) { createEvent(input: {campaignId: $id, name: "E",'
        ' eventType: "party", scheduledAt: "next tuesday"}) { id } }',
        "campaign",
        "scheduledAt",
        id="bad-date",
    ),
    pytest.param(
        'mutation($id: String!) { createEvent(input: {campaignId: $id, name: "E",'
        ' eventType: "holiday"}) { id } }',
        "campaign",
        "eventType",
        id="bad-choice",
    ),
    pytest.param(
        "mutation($id: ID!) { updateSettlementX: updateSettlement(id: $id,"
        ' input: {branchId: "nope"}) { id } }',
        "settlement",
        "branchId",
        id="malformed-branch-id",
    ),
    pytest.param(
        "mutation($id: ID!) { createSettlement(input: {kingdomId: $id,"
        ' locationId: "00000000-0000-4000-8000-000000000000", name: "S"}) { id } }',
        "kingdom",
        "locationId",
        id="location-of-no-world",
    ),
    pytest.param(
        'mutation($id: ID!) { createCharacter(input: {campaignId: $id, name: "C",'
        ' partyId: "00000000-0000-4000-8000-000000000000"}) { id } }',
        "campaign",
        "partyId",
        id="party-of-no-campaign",
    ),
]


@pytest.mark.parametrize(("document", "attr", "field"), INVALID)
def test_invalid_input_is_bad_request_naming_the_field(
    gql: GraphQLClient, data: Dataset, document: str, attr: str, field: str
) -> None:
    # Given a request with one bad input value
    rows = AuditLog.objects.count()

    # When the GM sends it
    body = gql(document, {"id": getattr(data, attr)}, "gm")

    # Then it is a BAD_REQUEST naming the field in camelCase, and nothing was written
    error = error_of(body)
    assert error["extensions"]["code"] == "BAD_REQUEST", error
    assert error["extensions"]["field"] == field
    assert AuditLog.objects.count() == rows


def test_unknown_kingdom_id_is_not_found_naming_the_field(
    gql: GraphQLClient, data: Dataset
) -> None:
    # Given a settlement input whose kingdomId names nothing
    variables = {"input": {"kingdomId": UNKNOWN, "locationId": data.free_location, "name": "S"}}

    # When the owner creates it
    body = gql(
        "mutation($input: CreateSettlementInput!) { createSettlement(input: $input) { id } }",
        variables,
        "owner",
    )

    # Then the kingdom is NOT_FOUND and the error names kingdomId
    error = error_of(body)
    assert error["extensions"]["code"] == "NOT_FOUND"
    assert error["extensions"]["field"] == "kingdomId"


def test_ids_of_another_campaign_are_refused(gql: GraphQLClient, data: Dataset) -> None:
    # Given the outsider's own world and campaign, with a kingdom
    created = ok(
        gql(
            'mutation { createWorld(input: {name: "Mine", calendars: []}) { id } }',
            persona="outsider",
        )
    )
    world = created["createWorld"]["id"]
    campaign = ok(
        gql(
            f'mutation {{ createCampaign(input: {{worldId: "{world}", name: "C"}}) {{ id }} }}',
            persona="outsider",
        )
    )["createCampaign"]["id"]
    kingdom = ok(
        gql(
            'mutation($c: ID!) { createKingdom(input: {campaignId: $c, name: "K"}) { id } }',
            {"c": campaign},
            "outsider",
        )
    )["createKingdom"]["id"]

    # When they settle the owner's location, and link the owner's event from their campaign
    settle = gql(
        "mutation($k: ID!, $l: ID!) { createSettlement(input: {kingdomId: $k, locationId: $l,"
        ' name: "Thief"}) { id } }',
        {"k": kingdom, "l": data.free_location},
        "outsider",
    )
    link = gql(
        'mutation($c: ID!, $e: ID!) { createCharacter(input: {campaignId: $c, name: "Spy",'
        " partyId: $e}) { id } }",
        {"c": campaign, "e": data.party},
        "outsider",
    )

    # Then both are refused, naming the foreign id's field
    assert (
        error_of(settle)["extensions"].items()
        >= {"code": "BAD_REQUEST", "field": "locationId"}.items()
    )
    assert (
        error_of(link)["extensions"].items() >= {"code": "BAD_REQUEST", "field": "partyId"}.items()
    )


BAD_GEOJSON = [
    pytest.param({"type": "Circle", "coordinates": [0, 0]}, id="unknown-type"),
    pytest.param({"type": "Point"}, id="no-coordinates"),
    pytest.param({"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1]]]}, id="open-ring"),
    pytest.param("POINT(0 0)", id="not-an-object"),
    pytest.param({"type": "Point", "coordinates": ["a", "b"]}, id="not-numbers"),
]


@pytest.mark.parametrize("geometry", BAD_GEOJSON)
def test_bad_geojson_in_update_location_geometry_names_the_field(
    gql: GraphQLClient, data: Dataset, geometry: Any
) -> None:
    # Given malformed GeoJSON
    # When the GM sets it as a location's geometry
    body = gql(
        "mutation($id: ID!, $input: UpdateLocationGeometryInput!) {"
        " updateLocationGeometry(id: $id, input: $input) { id } }",
        {"id": data.free_location, "input": {"geoJson": geometry}},
        "gm",
    )

    # Then the variable is refused as bad user input naming geoJson; the geometry is unchanged
    error = error_of(body)
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert error["extensions"]["field"] == "geoJson"
    assert "GeoJSON" in error["message"]
    assert Location.objects.get(pk=data.free_location).geometry["coordinates"] == [50, 60]


@pytest.mark.parametrize("geometry", BAD_GEOJSON)
def test_bad_geojson_in_create_location_names_the_field(
    gql: GraphQLClient, data: Dataset, geometry: Any
) -> None:
    # Given malformed GeoJSON
    locations = Location.objects.count()

    # When the GM creates a location with it
    body = gql(
        "mutation($input: CreateLocationInput!) { createLocation(input: $input) { id } }",
        {"input": {"worldId": data.world, "type": "point", "geometry": geometry}},
        "gm",
    )

    # Then the variable is refused as bad user input naming geometry; nothing was created
    error = error_of(body)
    assert error["extensions"]["code"] == "BAD_USER_INPUT"
    assert error["extensions"]["field"] == "geometry"
    assert Location.objects.count() == locations


WRONG_TYPES = [
    pytest.param(
        "mutation($id: ID!, $level: Int!) { setKingdomLevel(id: $id, level: $level) { id } }",
        {"level": "high"},
        "level",
        id="string-for-int",
    ),
    pytest.param(
        "mutation($id: ID!, $input: UpdateKingdomInput!) { updateKingdom(id: $id, input: $input)"
        " { id } }",
        {"input": {"level": 2.5}},
        "level",
        id="float-for-int",
    ),
    pytest.param(
        "mutation($id: ID!, $input: UpdateKingdomInput!) { updateKingdom(id: $id, input: $input)"
        " { id } }",
        {"input": {"population": 2}},
        "population",
        id="unknown-input-field",
    ),
    pytest.param(
        "mutation($input: CreateKingdomInput!) { createKingdom(input: $input) { id } }",
        {"input": {"level": 2}},
        "campaignId",
        id="missing-required-field",
    ),
    pytest.param(
        "mutation($id: ID!, $input: UpdateKingdomInput!) { updateKingdom(id: $id, input: $input)"
        " { id } }",
        {"input": "rename it"},
        "input",
        id="string-for-object",
    ),
    pytest.param(
        "mutation($id: ID!, $input: UpdateKingdomInput!) { updateKingdom(id: $id, input: $input)"
        " { id } }",
        {},
        "input",
        id="missing-variable",
    ),
    pytest.param(
        "mutation($id: ID!, $input: UpdateCampaignInput!) { updateCampaign(id: $id,"
        " input: $input) { id } }",
        {"input": {"worldTime": "yesterday"}},
        "worldTime",
        id="bad-date-time",
    ),
]


@pytest.mark.parametrize(("document", "variables", "field"), WRONG_TYPES)
def test_variables_of_the_wrong_type_are_bad_user_input_naming_the_field(
    gql: GraphQLClient, data: Dataset, document: str, variables: dict[str, Any], field: str
) -> None:
    # Given variables that do not fit the operation's declared types
    # When the owner sends them
    if "$id" in document:
        variables = {"id": data.kingdom, **variables}
    body = gql(document, variables, "owner")

    # Then the request is refused as BAD_USER_INPUT naming the field, before anything runs
    error = body["errors"][0]
    assert {e["extensions"]["code"] for e in body["errors"]} == {"BAD_USER_INPUT"}
    assert error["extensions"]["field"] == field
    assert "data" not in body or body["data"] is None


# --- malformed requests: never a 500, never an unhandled exception -----------------------------

MALFORMED = [
    pytest.param(b"{not json", "application/json", id="invalid-json"),
    pytest.param(b"", "application/json", id="empty-body"),
    pytest.param(b"[1, 2]", "application/json", id="json-array"),
    pytest.param(b'"just a string"', "application/json", id="json-string"),
    pytest.param(b"{}", "application/json", id="missing-query"),
    pytest.param(b'{"query": ""}', "application/json", id="empty-query"),
    pytest.param(b'{"query": 42}', "application/json", id="query-not-a-string"),
    pytest.param(b'{"query": {"q": 1}}', "application/json", id="query-an-object"),
    pytest.param(b'{"query": "{ health { status }", "variables": {}}', "application/json",
                 id="syntax-error"),
    pytest.param(b'{"query": "{ nope }"}', "application/json", id="unknown-field"),
    pytest.param(b'{"query": "{ health { status } }", "variables": [1]}', "application/json",
                 id="variables-a-list"),
    pytest.param(b'{"query": "{ health { status } }", "variables": "{oops"}', "application/json",
                 id="variables-invalid-json-string"),
    pytest.param(b'{"query": "{ health { status } }", "variables": "[1]"}', "application/json",
                 id="variables-json-string-of-a-list"),
    pytest.param(b'{"query": "{ health { status } }", "variables": ""}', "application/json",
                 id="variables-empty-string"),
    pytest.param(b'{"query": "{ health { status } }", "variables": 3}', "application/json",
                 id="variables-a-number"),
    pytest.param(b'{"query": "{ health { status } }", "operationName": 7}', "application/json",
                 id="operation-name-not-a-string"),
    pytest.param(b'{"query": "query A { health { status } }", "operationName": "B"}',
                 "application/json", id="unknown-operation-name"),
    pytest.param(b'{"query": "query A { health { status } } query B { health { status } }"}',
                 "application/json", id="ambiguous-operation"),
    pytest.param(b"\xff\xfe{", "application/json", id="not-utf8"),
    pytest.param(b"[" * 100_000 + b"]" * 100_000, "application/json", id="deeply-nested-json"),
    pytest.param(json.dumps({"query": "{" * 5_000 + "}" * 5_000}).encode(), "application/json",
                 id="deeply-nested-query"),
    pytest.param(json.dumps({"query": "{ health { status } }", "variables": {"a": [[[[]]]] * 3}})
                 .encode(), "application/json", id="unused-variables"),
    pytest.param(b"query=%7B+health+%7B+status+%7D+%7D", "application/x-www-form-urlencoded",
                 id="form-encoded"),
    pytest.param(b"{ health { status } }", "application/graphql", id="graphql-body"),
    pytest.param(b"{ health { status } }", "text/plain", id="unknown-content-type"),
]  # fmt: skip


REQUEST_REFUSALS = {"BAD_REQUEST", "GRAPHQL_PARSE_FAILED", "GRAPHQL_VALIDATION_FAILED"}


@pytest.mark.parametrize(("body", "content_type"), MALFORMED)
def test_malformed_requests_are_answered_without_a_server_error(
    client: Client, data: Dataset, body: bytes, content_type: str
) -> None:
    # Given a request body of any shape (the test client re-raises unhandled exceptions)
    # When it is posted
    response = client.post(
        GRAPHQL_URL, data=body, content_type=content_type, headers=bearer(persona_user("owner"))
    )

    # Then the answer is JSON, never a 500, and any error is a refusal a person can read
    assert response.status_code < 500
    payload = response.json()
    for error in payload.get("errors") or []:
        assert error["extensions"]["code"] in REQUEST_REFUSALS, error
        assert error["message"]
        assert "Traceback" not in error["message"]
    if not payload.get("errors"):
        assert payload["data"]["health"]["status"] == "ok"


def test_get_cannot_run_a_mutation(client: Client, data: Dataset) -> None:
    # Given a mutation in a GET query string
    query = 'mutation { createWorld(input: {name: "Sneaky", calendars: []}) { id } }'

    # When it is sent with GET
    response = client.get(
        GRAPHQL_URL,
        {"query": query},
        headers={"Accept": "application/json", **bearer(persona_user("owner"))},
    )

    # Then it is refused, not run
    assert 400 <= response.status_code < 500
    assert response.json()["errors"][0]["extensions"]["code"] == "BAD_REQUEST"


@pytest.mark.parametrize(
    "authorization",
    [
        "Bearer not-a-jwt",
        "Bearer ",
        "Basic b3duZXI6cGFzcw==",
        "Bearer eyJhbGciOiJub25lIn0.eyJzdWIiOiIxIn0.",
    ],
)
def test_a_bad_token_is_unauthenticated_but_health_still_answers(
    client: Client, data: Dataset, authorization: str
) -> None:
    # Given a request with a bad Authorization header
    query = "query($id: ID!) { health { status } world(id: $id) { id } }"
    body = json.dumps({"query": query, "variables": {"id": data.world}})

    # When it is posted
    response = client.post(
        GRAPHQL_URL, data=body, content_type="application/json", HTTP_AUTHORIZATION=authorization
    )

    # Then the protected field fails with UNAUTHENTICATED and health still answers
    payload = response.json()
    assert payload["data"] == {"health": {"status": "ok"}, "world": None}
    assert [e["extensions"]["code"] for e in payload["errors"]] == ["UNAUTHENTICATED"]


def test_an_expired_token_is_unauthenticated(client: Client, data: Dataset) -> None:
    # Given an access token that expired an hour ago
    import datetime

    from django.utils import timezone

    from campaign.auth.tokens import issue_access_token
    from campaign.models import User

    token = issue_access_token(
        User.objects.get(pk=data.users["owner"]),
        now=timezone.now() - datetime.timedelta(hours=1),
    )

    # When it is used
    response = client.post(
        GRAPHQL_URL,
        data=json.dumps({"query": "{ campaigns { id } }"}),
        content_type="application/json",
        HTTP_AUTHORIZATION=f"Bearer {token}",
    )

    # Then the caller learns the token expired
    error = response.json()["errors"][0]
    assert error["extensions"]["code"] == "UNAUTHENTICATED"
    assert "expired" in error["message"].lower()


# --- internal errors ---------------------------------------------------------------------------


def test_an_unexpected_exception_is_an_internal_error_without_internals(
    gql: GraphQLClient, data: Dataset, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given a resolver that fails with a plain Python exception, and DEBUG off
    settings.DEBUG = False

    def explode(info: Any) -> None:
        raise RuntimeError("connection to db-primary:5432 failed (password=hunter2)")

    monkeypatch.setattr("api.graphql.campaign.queries.campaigns.readable_campaigns", explode)

    # When a field that uses it is queried
    body = gql("{ campaigns { id } }", persona="owner")

    # Then the field fails as INTERNAL_SERVER_ERROR with no detail
    error = error_of(body)
    assert error["extensions"] == {"code": "INTERNAL_SERVER_ERROR"}
    assert error["message"] == "Internal server error"
    assert "hunter2" not in json.dumps(body)


def test_internal_errors_keep_their_message_in_debug(
    gql: GraphQLClient, data: Dataset, settings: Any, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given DEBUG on and a failing resolver
    settings.DEBUG = True

    def explode(info: Any) -> None:
        raise RuntimeError("a developer wants to read this")

    monkeypatch.setattr("api.graphql.campaign.queries.campaigns.readable_campaigns", explode)

    # When the field is queried
    error = error_of(gql("{ campaigns { id } }", persona="owner"))

    # Then the developer sees the message, still coded INTERNAL_SERVER_ERROR
    assert error["extensions"]["code"] == "INTERNAL_SERVER_ERROR"
    assert "developer" in error["message"]


def test_version_ids_that_are_not_numbers_are_bad_requests(
    gql: GraphQLClient, data: Dataset
) -> None:
    # Given a version id that is not a version id
    # When a diff is asked for
    body = gql(
        "query($a: ID!, $b: ID!) { versionDiff(versionId1: $a, versionId2: $b) { added } }",
        {"a": "abc", "b": data.kingdom_versions[1]},
        "owner",
    )

    # Then it is a BAD_REQUEST naming the argument
    assert (
        error_of(body)["extensions"].items()
        >= {"code": "BAD_REQUEST", "field": "versionId1"}.items()
    )


def test_a_malformed_id_is_a_bad_request_naming_the_argument(
    gql: GraphQLClient, data: Dataset
) -> None:
    # Given an id that is not a UUID
    # When a list is asked for under it
    body = gql('{ kingdomsByCampaign(campaignId: "42") { id } }', persona="owner")

    # Then it is a BAD_REQUEST naming campaignId
    assert (
        error_of(body)["extensions"].items()
        >= {"code": "BAD_REQUEST", "field": "campaignId"}.items()
    )


def test_random_uuid_mutation_ids_do_not_leak_existence(gql: GraphQLClient, data: Dataset) -> None:
    # Given a random id and an id of a real kingdom the outsider cannot see
    probe = "mutation($id: ID!) { archiveKingdom(id: $id) { id } }"

    # When the outsider archives both
    real = error_of(gql(probe, {"id": data.kingdom}, "outsider"))
    fake = error_of(gql(probe, {"id": str(uuid.uuid4())}, "outsider"))

    # Then the two errors are alike
    assert real["extensions"]["code"] == fake["extensions"]["code"] == "NOT_FOUND"
    assert real["extensions"].keys() == fake["extensions"].keys()
