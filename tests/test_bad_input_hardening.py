"""Bad input the database or a library would choke on is a BAD_REQUEST naming the field, never an
internal error, and writes nothing: NUL characters, NaN and Infinity, runaway JSON nesting,
date-times outside what UTC can hold, malformed patch operations and GeoJSON, and the unique
index of a concurrent insert."""

import datetime
import json
from collections.abc import Callable
from typing import Any

import pytest
from django.db.models.query import QuerySet
from django.test import Client

from api.graphql.scalars import parse_datetime
from campaign.actions import branches, events, fields, kingdoms, links
from campaign.auth.tokens import issue_access_token
from campaign.models import (
    AuditLog,
    Branch,
    Campaign,
    CampaignMembership,
    Kingdom,
    Link,
    Location,
    Settlement,
    Version,
    World,
)
from kernel.actor import Actor
from kernel.errors import ValidationError
from kernel.snapshots import iso
from rules import expressions, jsonlogic
from rules.models import Effect, FieldCondition, StateVariable
from rules.patches import validate_patch, written_roots
from tests.campaign import factories
from tests.conftest import Personas

Post = Callable[..., tuple[int, dict[str, Any]]]


@pytest.fixture
def post(client: Client, personas: Personas) -> Post:
    """POST an operation (or a raw body) to /graphql as the owner → (status, JSON)."""

    def send(query: str = "", variables: Any = None, *, raw: str | None = None) -> Any:
        body = raw if raw is not None else json.dumps({"query": query, "variables": variables})
        response = client.post(
            "/graphql",
            data=body,
            content_type="application/json",
            headers={"Authorization": f"Bearer {issue_access_token(personas.owner)}"},
        )
        return response.status_code, response.json()

    return send


@pytest.fixture
def writes() -> Callable[[], tuple[int, int]]:
    return lambda: (Version.objects.count(), AuditLog.objects.count())


def refusal(body: dict[str, Any]) -> dict[str, Any]:
    """The single error of a refused request, which must be a BAD_REQUEST without data."""
    assert not body.get("data"), body
    (error,) = body["errors"]
    assert error["extensions"]["code"] == "BAD_REQUEST", error
    return error  # type: ignore[no-any-return]


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


# --- NUL characters, NaN and Infinity, deep JSON (finding 1) ----------------------------------


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
    post: Post,
    campaign: Campaign,
    writes: Any,
    name: str,
    variables: Any,
    field: str,
    status: int,
) -> None:
    before = writes()

    answered, body = post(CREATE_KINGDOM, {"c": str(campaign.pk), "n": name, "v": variables})

    assert answered == status
    assert refusal(body)["extensions"]["field"] == field
    assert not Kingdom.objects.exists()
    assert writes() == before


@pytest.mark.parametrize("number", ["NaN", "Infinity", "-Infinity", "1e400"])
def test_non_finite_numbers_in_a_request_body_are_a_400(
    post: Post, campaign: Campaign, writes: Any, number: str
) -> None:
    before = writes()
    raw = (
        f'{{"query": {json.dumps(CREATE_KINGDOM)},'
        f' "variables": {{"c": "{campaign.pk}", "n": "K", "v": {{"x": {number}}}}}}}'
    )

    status, body = post(raw=raw)

    assert status == 400
    assert number in refusal(body)["message"]
    assert not Kingdom.objects.exists()
    assert writes() == before


def test_non_finite_numbers_in_variables_sent_as_a_string_are_a_400(
    post: Post, campaign: Campaign
) -> None:
    variables = f'{{"c": "{campaign.pk}", "n": "K", "v": {{"x": NaN}}}}'

    status, body = post(raw=json.dumps({"query": CREATE_KINGDOM, "variables": variables}))

    assert status == 400
    assert "NaN" in refusal(body)["message"]
    assert not Kingdom.objects.exists()


def test_rule_json_is_checked_before_it_is_stored(
    post: Post, owner: Actor, campaign: Campaign, writes: Any
) -> None:
    kingdom = factories.kingdom(owner, campaign)
    event = events.create_event(owner, campaign.pk, {"name": "E", "event_type": "story"})
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
        _, body = post(query, {"i": {**given, field: bad}})

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


# --- Date-times (finding 2) ---------------------------------------------------------------------

OUT_OF_RANGE = ["9999-12-31T23:59:59-05:00", "0001-01-01T00:00:00+05:00"]


@pytest.mark.parametrize("moment", OUT_OF_RANGE)
def test_date_times_beyond_utc_are_refused_naming_the_field(
    post: Post, campaign: Campaign, world: World, writes: Any, moment: str
) -> None:
    before = writes()
    event = (
        'mutation($c: String!, $t: String) { createEvent(input: {campaignId: $c, name: "E",'
        ' eventType: "story", scheduledAt: $t}) { id } }'
    )
    new_campaign = "mutation($i: CreateCampaignInput!) { createCampaign(input: $i) { id } }"
    api_key = (
        "mutation($expiresAt: DateTime) {"
        ' createApiKey(name: "k", scopes: ["read"], expiresAt: $expiresAt) { key } }'
    )

    for query, variables, field in [
        (event, {"c": str(campaign.pk), "t": moment}, "scheduledAt"),
        (
            new_campaign,
            {"i": {"worldId": str(world.pk), "name": "C", "currentWorldTime": moment}},
            "currentWorldTime",
        ),
        (api_key, {"expiresAt": moment}, "expiresAt"),
    ]:
        _, body = post(query, variables)

        error = refusal(body)
        assert error["extensions"]["field"] == field
        assert "9999" in error["message"]
    assert Campaign.objects.count() == 1
    assert writes() == before


@pytest.mark.parametrize("moment", OUT_OF_RANGE)
def test_date_time_cleaners_refuse_instants_utc_cannot_hold(moment: str) -> None:
    with pytest.raises(ValidationError) as error:
        fields.moment(moment, "expiresAt")
    assert error.value.field == "expiresAt"
    with pytest.raises(Exception, match="out of range"):
        parse_datetime(moment)


def test_audit_export_refuses_an_out_of_range_start_before_streaming(
    client: Client, personas: Personas, campaign: Campaign
) -> None:
    response = client.get(
        "/audit/export",
        {"startDate": OUT_OF_RANGE[0], "format": "json"},
        headers={"Authorization": f"Bearer {issue_access_token(personas.owner)}"},
    )

    assert response.status_code == 400
    assert not getattr(response, "streaming", False)


def test_early_years_are_written_with_four_digits(post: Post, campaign: Campaign) -> None:
    assert iso(datetime.datetime(500, 6, 1, tzinfo=datetime.UTC)) == "0500-06-01T00:00:00.000Z"
    assert iso(datetime.datetime(9, 1, 2, 3, 4, 5, 6000, tzinfo=datetime.UTC)) == (
        "0009-01-02T03:04:05.006Z"
    )

    _, body = post(
        'mutation($c: String!) { createEvent(input: {campaignId: $c, name: "E",'
        ' eventType: "story", scheduledAt: "0500-06-01T00:00:00Z"}) { scheduledAt } }',
        {"c": str(campaign.pk)},
    )

    assert body["data"]["createEvent"]["scheduledAt"] == "0500-06-01T00:00:00.000Z"


# --- Effect payloads (finding 3) ----------------------------------------------------------------


@pytest.mark.parametrize("op", [["add"], {"a": 1}, 3, None])
def test_an_operation_that_is_not_a_string_is_refused(
    post: Post, owner: Actor, campaign: Campaign, op: Any
) -> None:
    event = events.create_event(owner, campaign.pk, {"name": "E", "event_type": "story"})
    payload = [{"op": op, "path": "/description", "value": "x"}]

    _, body = post(
        "mutation($i: CreateEffectInput!) { createEffect(input: $i) { id } }",
        {
            "i": {
                "entityType": "event",
                "entityId": str(event.uid),
                "name": "e",
                "effectType": "patch",
                "payload": payload,
            }
        },
    )

    assert refusal(body)["extensions"]["field"] == "payload.0.op"
    assert not Effect.objects.exists()
    with pytest.raises(ValidationError):
        validate_patch(payload, "event")
    assert written_roots(payload) == frozenset()


# --- GeoJSON (finding 4) ------------------------------------------------------------------------

BAD_GEOMETRIES = [
    {"type": ["Point"], "coordinates": [1, 2]},
    {"type": {"a": 1}, "coordinates": [1, 2]},
    {"type": "Point", "coordinates": ["1", "2"]},
    {"type": "Point", "coordinates": [True, False]},
    {"type": "Point", "coordinates": [[1, 2]]},
    {"type": "Point", "coordinates": [1, 2, 3, 4]},
    {"type": "Point", "coordinates": [1, None]},
    {"type": "MultiPoint", "coordinates": [1, 2]},
    {"type": "LineString", "coordinates": [[0, 0], ["1", 1]]},
    {"type": "LineString", "coordinates": [[0, 0]]},
    {"type": "Polygon", "coordinates": [[0, 0], [1, 0], [1, 1], [0, 0]]},
    {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [True, 0]]]},
    {"type": "MultiPolygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 0]]]},
    {"type": "Feature", "geometry": {"type": "Feature", "geometry": {"type": "Point"}}},
    features(2),
    features(600),
]


GEOMETRY_IDS = [
    "type-a-list",
    "type-an-object",
    "strings",
    "booleans",
    "point-nested-too-deep",
    "four-numbers",
    "null-number",
    "multipoint-too-shallow",
    "string-in-line",
    "one-point-line",
    "polygon-too-shallow",
    "boolean-in-ring",
    "multipolygon-too-shallow",
    "feature-of-a-feature",
    "feature-of-a-feature-of-a-point",
    "feature-chain",
]


@pytest.mark.parametrize("geometry", BAD_GEOMETRIES, ids=GEOMETRY_IDS)
def test_malformed_coordinates_are_refused_before_shapely(
    post: Post, world: World, geometry: Any
) -> None:
    _, body = post(
        "mutation($i: CreateLocationInput!) { createLocation(input: $i) { id } }",
        {"i": {"worldId": str(world.pk), "type": "point", "geometry": geometry}},
    )

    error = refusal(body)
    assert error["extensions"]["field"] == "geometry"
    assert "GeoJSON" in error["message"]
    assert "unhashable" not in error["message"]
    assert "float" not in error["message"]
    assert not Location.objects.exists()


def test_well_formed_geometries_are_still_accepted(post: Post, world: World) -> None:
    for geometry in [
        {"type": "Point", "coordinates": [1, 2.5]},
        {"type": "Point", "coordinates": [1, 2, 3]},
        {"type": "Feature", "geometry": {"type": "LineString", "coordinates": [[0, 0], [1, 1]]}},
        {"type": "MultiPolygon", "coordinates": [[[[0, 0], [1, 0], [1, 1], [0, 0]]]]},
    ]:
        _, body = post(
            "mutation($w: String!, $g: GeoJSON) {"
            ' createLocation(input: {worldId: $w, type: "region", geometry: $g}) { id } }',
            {"w": str(world.pk), "g": geometry},
        )

        assert "errors" not in body, body


# --- Races on unique indexes (finding 5) --------------------------------------------------------


@pytest.fixture
def lost_check(monkeypatch: pytest.MonkeyPatch) -> Callable[[type], None]:
    """Make the next ``exists()`` check on ``model`` answer False, as if a concurrent request
    inserted the conflicting row just after it: the insert then meets the unique index."""
    real = QuerySet.exists
    pending: set[type] = set()

    def exists(self: QuerySet[Any]) -> bool:
        if self.model in pending:
            pending.discard(self.model)
            return False
        return real(self)

    monkeypatch.setattr(QuerySet, "exists", exists)
    return pending.add


def test_adding_a_member_twice_concurrently_is_a_bad_request(
    post: Post, personas: Personas, campaign: Campaign, writes: Any, lost_check: Any
) -> None:
    before = writes(), CampaignMembership.objects.count()
    lost_check(CampaignMembership)

    _, body = post(
        "mutation($c: ID!, $u: ID!) {"
        ' addCampaignMember(input: {campaignId: $c, userId: $u, role: "PLAYER"}) { userId } }',
        {"c": str(campaign.pk), "u": str(personas.gm.pk)},
    )

    assert refusal(body)["extensions"]["field"] == "userId"
    assert (writes(), CampaignMembership.objects.count()) == before


def test_a_branch_name_taken_concurrently_is_a_bad_request(
    post: Post, owner: Actor, campaign: Campaign, writes: Any, lost_check: Any
) -> None:
    side = branches.create_branch(owner, campaign.pk, None, {"name": "side"})
    before = writes(), Branch.objects.count()

    lost_check(Branch)
    _, body = post(
        'mutation($c: ID!) { createBranch(input: {campaignId: $c, name: "side"}) { id } }',
        {"c": str(campaign.pk)},
    )
    assert refusal(body)["extensions"]["field"] == "name"

    lost_check(Branch)
    with pytest.raises(ValidationError) as error:
        branches.update_branch(owner, side.pk, {"name": "main"})
    assert error.value.field == "name"
    assert (writes(), Branch.objects.count()) == before
    assert Branch.objects.get(pk=side.pk).name == "side"


def test_a_location_settled_concurrently_is_a_bad_request(
    post: Post, owner: Actor, campaign: Campaign, writes: Any, lost_check: Any
) -> None:
    kingdom = factories.kingdom(owner, campaign)
    place = factories.point(owner, campaign)
    factories.settlement(owner, kingdom, location=place)
    before = writes(), Settlement.objects.count()
    lost_check(Settlement)

    _, body = post(
        'mutation($k: ID!, $l: ID!) { createSettlement(input: {kingdomId: $k, name: "S2",'
        " locationId: $l}) { id } }",
        {"k": str(kingdom.uid), "l": str(place.pk)},
    )

    assert refusal(body)["extensions"]["field"] == "locationId"
    assert (writes(), Settlement.objects.count()) == before


def test_a_duplicate_link_is_a_bad_request_even_when_made_concurrently(
    post: Post, owner: Actor, campaign: Campaign, writes: Any, lost_check: Any
) -> None:
    a, b = (
        events.create_event(owner, campaign.pk, {"name": name, "event_type": "story"})
        for name in "AB"
    )
    ends = {"source_type": "event", "source_id": str(a.uid), "target_type": "event"}
    links.create_link(owner, campaign.pk, {**ends, "target_id": str(b.uid), "link_type": "blocks"})
    related = links.create_link(
        owner, campaign.pk, {**ends, "target_id": str(b.uid), "link_type": "related"}
    )
    before = writes(), Link.objects.count()

    lost_check(Link)
    _, body = post(
        "mutation($c: ID!, $s: String!, $t: String!) { createLink(input: {campaignId: $c,"
        ' sourceType: "event", sourceId: $s, targetType: "event", targetId: $t,'
        ' linkType: "blocks"}) { id } }',
        {"c": str(campaign.pk), "s": str(a.uid), "t": str(b.uid)},
    )
    assert refusal(body)["extensions"]["field"] == "linkType"

    # Changing a link's type into one that already joins the same ends: refused up front.
    _, body = post(
        'mutation($id: ID!) { updateLink(id: $id, input: {linkType: "blocks"}) { id } }',
        {"id": str(related.uid)},
    )
    assert refusal(body)["extensions"]["field"] == "linkType"

    lost_check(Link)
    with pytest.raises(ValidationError) as error:
        links.update_link(owner, related.uid, {"link_type": "blocks"})
    assert error.value.field == "linkType"
    assert (writes(), Link.objects.count()) == before
    assert Link.objects.get(pk=related.pk).link_type == "related"


def test_kingdoms_with_clean_input_are_unaffected(owner: Actor, campaign: Campaign) -> None:
    kingdom = kingdoms.create_kingdom(
        owner, campaign.pk, {"name": "Brevoy", "variables": {"motto": "ünïcode ✓", "n": 1.5}}
    )

    assert Kingdom.objects.get(pk=kingdom.pk).variables == {"motto": "ünïcode ✓", "n": 1.5}
