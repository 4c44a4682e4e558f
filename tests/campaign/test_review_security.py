"""Security review fixes: API-key reach, id oracles, login throttling, odd input, audit gaps."""

import datetime
import json
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from campaign.actions import campaigns, kingdoms, worlds
from campaign.auth import api_keys, rate_limit, sessions
from campaign.auth.tokens import issue_access_token
from campaign.models import ApiKey, AuditLog, Campaign, RefreshToken, User, Version, World
from kernel.actor import Actor
from kernel.errors import AuthenticationError, PermissionDenied, ValidationError
from rules import actions as rule_actions
from tests.campaign.test_admin import form_data
from tests.conftest import Personas

PASSWORD = "correct horse battery staple"
HERE = sessions.Client("10.0.0.1")


def gql(
    client: Client,
    query: str,
    variables: dict[str, Any] | None = None,
    *,
    user: User | None = None,
    key: str | None = None,
) -> dict[str, Any]:
    headers = {}
    if user is not None:
        headers["Authorization"] = f"Bearer {issue_access_token(user)}"
    if key is not None:
        headers["X-Api-Key"] = key
    response = client.post(
        "/graphql",
        data=json.dumps({"query": query, "variables": variables or {}}),
        content_type="application/json",
        headers=headers,
    )
    body: dict[str, Any] = response.json()
    return body


def error(body: dict[str, Any]) -> dict[str, Any]:
    assert body.get("errors"), body
    first: dict[str, Any] = body["errors"][0]
    return first


def raw_key(user: User, scopes: list[str], campaign: Campaign | None = None) -> str:
    campaign_id = str(campaign.pk) if campaign is not None else None
    return api_keys.create_api_key(Actor(user), "k", scopes, campaign_id)[1]


@pytest.fixture
def elsewhere(personas: Personas) -> Campaign:
    """A second world and campaign of the same owner, with a world variable and a kingdom."""
    owner = Actor(personas.owner)
    world = worlds.create_world(owner, {"name": "Secret world"})
    other = campaigns.create_campaign(owner, world.pk, {"name": "Secret campaign"})
    rule_actions.create_state_variable(
        owner,
        {
            "scope": "world",
            "scope_id": str(world.pk),
            "key": "secret",
            "type": "string",
            "value": "x",
        },
    )
    kingdoms.create_kingdom(owner, other.pk, {"name": "Secret kingdom"})
    return other


# --- 1. API-key scope and campaign restriction ------------------------------------------------

CREATE_WORLD = 'mutation { createWorld(input: {name: "By key", calendars: []}) { id } }'
CREATE_CAMPAIGN = 'mutation($w: ID!) { createCampaign(input: {worldId: $w, name: "C"}) { id } }'


def test_creating_worlds_and_campaigns_needs_a_session_or_an_unrestricted_admin_key(
    client: Client, personas: Personas, campaign: Campaign, world: World
) -> None:
    owner = personas.owner
    refusals = {
        "restricted read": raw_key(owner, ["read"], campaign),
        "restricted admin": raw_key(owner, ["admin"], campaign),
        "unrestricted write": raw_key(owner, ["write"]),
    }
    for name, key in refusals.items():
        for query, variables in ((CREATE_WORLD, None), (CREATE_CAMPAIGN, {"w": str(world.pk)})):
            failure = error(gql(client, query, variables, key=key))
            assert failure["extensions"]["code"] == "FORBIDDEN", name
            assert failure["message"].startswith("This API key"), name
    assert not World.objects.filter(name="By key").exists()

    admin_key = raw_key(owner, ["admin"])
    assert gql(client, CREATE_WORLD, key=admin_key)["data"]["createWorld"]["id"]
    created = gql(client, CREATE_CAMPAIGN, {"w": str(world.pk)}, key=admin_key)
    assert created["data"]["createCampaign"]["id"]
    with pytest.raises(PermissionDenied, match="This API key"):
        worlds.create_world(
            api_keys.authenticate_api_key(refusals["restricted read"]), {"name": "x"}
        )


def test_a_restricted_key_reaches_only_its_campaigns_world(
    client: Client, personas: Personas, campaign: Campaign, world: World, elsewhere: Campaign
) -> None:
    key = raw_key(personas.owner, ["read"], campaign)
    hidden = str(elsewhere.world_id)

    listed = gql(client, "{ worlds { id } }", key=key)["data"]["worlds"]
    assert [row["id"] for row in listed] == [str(world.pk)]
    one = "query($id: ID!) { world(id: $id) { id } }"
    assert gql(client, one, {"id": hidden}, key=key)["data"]["world"] is None
    assert gql(client, one, {"id": str(world.pk)}, key=key)["data"]["world"]
    variables = "query($id: ID) { getVariablesForScope(scope: WORLD, scopeId: $id) { key } }"
    scoped = gql(client, variables, {"id": hidden}, key=key)
    assert error(scoped)["extensions"]["code"] == "NOT_FOUND"
    # The same user's session still sees both worlds.
    session = gql(client, "{ worlds { id } }", user=personas.owner)["data"]["worlds"]
    assert {row["id"] for row in session} == {str(world.pk), hidden}


def test_a_restricted_admin_key_cannot_change_an_unrelated_world(
    client: Client, personas: Personas, campaign: Campaign, world: World, elsewhere: Campaign
) -> None:
    key = raw_key(personas.owner, ["admin"], campaign)
    rename = 'mutation($id: ID!) { updateWorld(id: $id, input: {name: "Renamed"}) { name } }'

    failure = error(gql(client, rename, {"id": str(elsewhere.world_id)}, key=key))
    assert failure["extensions"]["code"] == "NOT_FOUND"
    assert World.objects.get(pk=elsewhere.world_id).name == "Secret world"
    # Its own campaign's world is within reach.
    renamed = gql(client, rename, {"id": str(world.pk)}, key=key)
    assert renamed["data"]["updateWorld"]["name"] == "Renamed"


def test_a_restricted_key_reads_only_its_campaigns_audit_rows(
    client: Client, personas: Personas, campaign: Campaign, elsewhere: Campaign
) -> None:
    key = raw_key(personas.owner, ["read"], campaign)
    query = "query($u: ID!) { userAuditHistory(userId: $u, limit: 100) { entityId } }"
    mine = {"u": str(personas.owner.pk)}

    rows = gql(client, query, mine, key=key)["data"]["userAuditHistory"]
    ids = {row["entityId"] for row in rows}
    assert rows
    assert ids <= set(
        AuditLog.objects.filter(campaign=campaign).values_list("entity_id", flat=True)
    )
    assert str(elsewhere.pk) not in ids
    exported = client.get("/audit/export?format=json", headers={"X-Api-Key": key})
    entries = json.loads(b"".join(exported.streaming_content))  # type: ignore[attr-defined]
    assert entries
    assert {entry["entityId"] for entry in entries} == ids
    assert b"Secret" not in json.dumps(entries).encode()
    # The user's own session still sees everything it did.
    everything = gql(client, query, mine, user=personas.owner)["data"]["userAuditHistory"]
    assert str(elsewhere.pk) in {row["entityId"] for row in everything}


@pytest.mark.parametrize(
    "operation",
    [
        "mutation { logoutAll }",
        'mutation { createApiKey(name: "x", scopes: ["admin"]) { key } }',
        'mutation { revokeApiKey(id: "%(key_id)s") { id } }',
        "{ apiKeys { id } }",
    ],
)
def test_graphql_refuses_api_keys_session_and_key_management_as_rest_does(
    client: Client, personas: Personas, campaign: Campaign, operation: str
) -> None:
    sessions.login(personas.owner.email, PASSWORD, HERE)
    key, raw = api_keys.create_api_key(Actor(personas.owner), "k", ["admin"])

    failure = error(gql(client, operation % {"key_id": key.pk}, key=raw))
    rest = client.post("/auth/logout-all", headers={"X-Api-Key": raw}).json()["error"]

    assert failure["extensions"]["code"] == rest["code"] == "FORBIDDEN"
    assert failure["message"] == rest["message"]
    assert RefreshToken.objects.filter(user=personas.owner, revoked_at__isnull=True).exists()
    assert ApiKey.objects.filter(user=personas.owner, revoked_at__isnull=True).count() == 1


# --- 2. No id or existence oracles ------------------------------------------------------------

DIFF = '{ versionDiff(versionId1: "%s", versionId2: "%s") { added } }'


def test_version_diff_fails_alike_for_missing_and_hidden_versions(
    client: Client, personas: Personas, campaign: Campaign
) -> None:
    kingdoms.create_kingdom(Actor(personas.owner), campaign.pk, {"name": "K"})
    hidden = list(Version.objects.order_by("pk").values_list("pk", flat=True))
    missing = max(hidden) + 1000
    assert Version.objects.filter(branch__isnull=True).exists()  # world and campaign versions

    for version_id in [*hidden, missing]:
        failure = error(gql(client, DIFF % (version_id, version_id), user=personas.outsider))
        assert failure["message"] == f"Version with ID {version_id} not found"
        assert failure["extensions"] == {
            "code": "NOT_FOUND",
            "id": str(version_id),
            "field": "versionId1",
        }
        anonymous = error(gql(client, DIFF % (version_id, version_id)))
        assert anonymous["extensions"]["code"] == "UNAUTHENTICATED"


@pytest.mark.parametrize("version_id", ["\u00b2", "1\n", "+1", "-1", " 1", "1" * 19, "0x1"])
def test_version_ids_are_parsed_strictly(
    client: Client, personas: Personas, version_id: str
) -> None:
    query = "query($a: ID!) { versionDiff(versionId1: $a, versionId2: $a) { added } }"
    failure = error(gql(client, query, {"a": version_id}, user=personas.owner))
    assert failure["extensions"] == {"code": "BAD_REQUEST", "field": "versionId1"}


AUDIT = '{ entityAuditHistory(entityType: "%s", entityId: "%s") { operation } }'


def test_entity_audit_history_fails_alike_for_missing_and_hidden_entities(
    client: Client, personas: Personas, campaign: Campaign, world: World
) -> None:
    kingdom = kingdoms.create_kingdom(Actor(personas.owner), campaign.pk, {"name": "K"})
    variable = rule_actions.create_state_variable(
        Actor(personas.owner),
        {"scope": "world", "scope_id": str(world.pk), "key": "w", "type": "integer", "value": 1},
    )
    unknown = "00000000-0000-4000-8000-000000000000"
    for kind, hidden in (("kingdom", kingdom.uid), ("state_variable", variable.uid)):
        shapes = []
        for entity_id in (hidden, unknown):
            failure = error(gql(client, AUDIT % (kind, entity_id), user=personas.outsider))
            extensions = failure["extensions"]
            assert extensions["id"] == str(entity_id)
            shapes.append((failure["message"].replace(str(entity_id), "?"), extensions.keys()))
            assert extensions["field"] == "entityId"
        assert shapes[0] == shapes[1], kind


def test_entity_audit_history_of_a_world_variable_is_read_through_its_world(
    client: Client, personas: Personas, campaign: Campaign, world: World
) -> None:
    variable = rule_actions.create_state_variable(
        Actor(personas.owner),
        {"scope": "world", "scope_id": str(world.pk), "key": "w", "type": "integer", "value": 1},
    )
    query = AUDIT % ("state_variable", variable.uid)

    owned = gql(client, query, user=personas.owner)["data"]["entityAuditHistory"]
    assert owned == [{"operation": "CREATE"}]
    assert gql(client, query, user=personas.viewer)["data"]["entityAuditHistory"] == owned
    assert error(gql(client, query, user=personas.outsider))["extensions"]["code"] == "NOT_FOUND"


# --- 3. Login throttling per IP address -------------------------------------------------------


def test_login_is_throttled_per_ip_address_across_accounts(personas: Personas) -> None:
    for attempt in range(sessions.LOGIN_ATTEMPTS_PER_IP_PER_MINUTE):
        with pytest.raises(AuthenticationError):
            sessions.login(f"user{attempt}@example.com", "guess", HERE)

    with pytest.raises(rate_limit.RateLimited):
        sessions.login("owner@example.com", PASSWORD, HERE)
    # Another address is not held back.
    assert sessions.login("owner@example.com", PASSWORD, sessions.Client("10.0.0.2")).user


# --- 4 and 6. Strings no endpoint can store or hash -------------------------------------------

ODD = ("\ud800", "a\u0000b")


def raw_post(client: Client, path: str, body: dict[str, Any], headers: dict[str, str]) -> Any:
    # json.dumps escapes a lone surrogate as \ud800, just as a hostile client would send it.
    return client.post(
        path, data=json.dumps(body), content_type="application/json", headers=headers
    )


@pytest.mark.parametrize("odd", ODD)
@pytest.mark.parametrize(
    ("path", "body", "field"),
    [
        ("/auth/login", {"email": "x@example.com", "password": "p"}, "email"),
        ("/auth/login", {"email": "owner@example.com", "password": "p"}, "password"),
        ("/auth/register", {"email": "n@example.com", "password": PASSWORD, "name": "N"}, "email"),
        ("/auth/register", {"email": "n@example.com", "password": PASSWORD, "name": "N"}, "name"),
        (
            "/auth/register",
            {"email": "n@example.com", "password": PASSWORD, "name": "N"},
            "password",
        ),
        ("/auth/refresh", {"refreshToken": "t"}, "refreshToken"),
        ("/auth/logout", {"refreshToken": "t"}, "refreshToken"),
        ("/auth/api-keys", {"name": "k", "scopes": ["read"]}, "name"),
        ("/auth/api-keys", {"name": "k", "scopes": ["read"]}, "scopes"),
        ("/auth/api-keys", {"name": "k", "scopes": ["read"], "expiresAt": "x"}, "expiresAt"),
    ],
)
def test_auth_endpoints_answer_400_for_unstorable_strings(
    client: Client, personas: Personas, path: str, body: dict[str, Any], field: str, odd: str
) -> None:
    client.raise_request_exception = False
    value = [odd] if field == "scopes" else f"{body[field]}{odd}"
    token = issue_access_token(personas.owner)

    response = raw_post(client, path, {**body, field: value}, {"Authorization": f"Bearer {token}"})

    assert response.status_code == 400, response.content
    assert response.json()["error"]["field"] == field
    assert User.objects.filter(email__startswith="n@").count() == 0


@pytest.mark.parametrize("odd", ODD)
def test_the_auth_actions_refuse_unstorable_strings(personas: Personas, odd: str) -> None:
    with pytest.raises(ValidationError) as failure:
        sessions.login(f"owner{odd}@example.com", PASSWORD, HERE)
    assert failure.value.field == "email"
    with pytest.raises(ValidationError) as failure:
        sessions.register("n@example.com", PASSWORD, f"N{odd}", HERE)
    assert failure.value.field == "name"
    with pytest.raises(ValidationError) as failure:
        sessions.refresh(f"token{odd}", HERE)
    assert failure.value.field == "refreshToken"
    with pytest.raises(ValidationError) as failure:
        api_keys.create_api_key(Actor(personas.owner), f"k{odd}", ["read"])
    assert failure.value.field == "name"
    # The throttle counts any string rather than failing on it.
    rate_limit.hit("test", f"ip|{odd}", 5, 60)


def test_graphql_login_refuses_a_lone_surrogate(client: Client, personas: Personas) -> None:
    query = 'mutation($e: String!) { login(email: $e, password: "p") { accessToken } }'
    failure = error(gql(client, query, {"e": "\ud800@example.com"}))
    assert failure["extensions"] == {"code": "BAD_REQUEST", "field": "email"}


# --- 5. Credential changes in the admin are audited and end sessions --------------------------


@pytest.fixture
def operator(client: Client, db: None) -> User:
    root = User.objects.create_superuser("root@example.com", "root-password")
    client.force_login(root)
    return root


def admin_url(view: str, *args: Any) -> str:
    return reverse(f"admin:campaign_{view}", args=args)


def test_admin_revoking_credentials_goes_through_the_audited_actions(
    client: Client, personas: Personas, operator: User
) -> None:
    key, _ = api_keys.create_api_key(Actor(personas.owner), "k", ["read"])
    sessions.login(personas.owner.email, PASSWORD, HERE)
    token = RefreshToken.objects.get(user=personas.owner)

    client.post(
        admin_url("apikey_changelist"), {"action": "revoke_selected", "_selected_action": [key.pk]}
    )
    client.post(
        admin_url("refreshtoken_changelist"),
        {"action": "revoke_selected", "_selected_action": [token.pk]},
    )

    key.refresh_from_db()
    token.refresh_from_db()
    assert key.revoked_at is not None
    assert token.revoked_at is not None
    key_audit = AuditLog.objects.get(entity_type="api_key", entity_id=str(key.pk), actor=operator)
    assert key_audit.new_state is not None
    assert key_audit.new_state["revokedAt"] is not None
    assert key_audit.metadata["source"] == "admin"
    token_audit = AuditLog.objects.get(metadata__event="refresh_token_revoked")
    assert (token_audit.actor, token_audit.entity_id) == (operator, str(personas.owner.pk))
    assert token_audit.metadata["tokenId"] == str(token.pk)


def assert_sessions_ended(user: User, operator: User, event: str) -> None:
    user.refresh_from_db()
    assert user.tokens_valid_after is not None
    assert not RefreshToken.objects.filter(user=user, revoked_at__isnull=True).exists()
    audit = AuditLog.objects.get(metadata__event=event)
    assert (audit.actor, audit.entity_id) == (operator, str(user.pk))


def test_admin_password_change_ends_the_users_sessions(
    client: Client, personas: Personas, operator: User
) -> None:
    owner = personas.owner
    pair = sessions.login(owner.email, PASSWORD, HERE)
    stolen = issue_access_token(owner, now=timezone.now() - datetime.timedelta(seconds=1))

    response = client.post(
        reverse("admin:auth_user_password_change", args=[owner.pk]),
        {"password1": "a new Passw0rd!", "password2": "a new Passw0rd!", "usable_password": "true"},
    )

    assert response.status_code == 302, response.content
    assert_sessions_ended(owner, operator, "password_changed_by_admin")
    me = client.get("/auth/me", headers={"Authorization": f"Bearer {stolen}"})
    assert me.status_code == 401
    with pytest.raises(AuthenticationError):
        sessions.refresh(pair.refresh_token, HERE)


def test_admin_deactivating_a_user_ends_their_sessions(
    client: Client, personas: Personas, operator: User
) -> None:
    owner = personas.owner
    sessions.login(owner.email, PASSWORD, HERE)
    change = admin_url("user_change", owner.pk)
    data = {**form_data(client.get(change))}
    data.pop("is_active", None)
    data.pop("password", None)

    response = client.post(change, data)

    assert response.status_code == 302, response.content
    owner.refresh_from_db()
    assert not owner.is_active
    assert_sessions_ended(owner, operator, "deactivated_by_admin")


def test_admin_edits_that_keep_the_user_active_leave_their_sessions(
    client: Client, personas: Personas, operator: User
) -> None:
    owner = personas.owner
    sessions.login(owner.email, PASSWORD, HERE)
    change = admin_url("user_change", owner.pk)
    data = {**form_data(client.get(change)), "name": "Olga O."}
    data.pop("password", None)

    assert client.post(change, data).status_code == 302
    assert RefreshToken.objects.filter(user=owner, revoked_at__isnull=True).exists()
    assert not AuditLog.objects.filter(metadata__event="deactivated_by_admin").exists()
