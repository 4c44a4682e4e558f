"""The REST endpoints under /auth: status codes, JSON shapes and error bodies."""

import datetime
import json
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from campaign.auth import api_keys, tokens
from campaign.models import RefreshToken
from tests.campaign.test_auth_tokens import PASSWORD, forgeries
from tests.conftest import Personas

# The test client's response type exists only in django-stubs, hence Any.
Response = Any


def post(client: Client, path: str, body: Any = None, **headers: str) -> Response:
    return client.post(
        f"/auth/{path}",
        data=json.dumps(body if body is not None else {}),
        content_type="application/json",
        headers=headers,
    )


def bearer(token: str) -> dict[str, str]:
    return {"Authorization": f"Bearer {token}"}


def error_of(response: Response) -> dict[str, Any]:
    return response.json()["error"]


def login(client: Client, email: str = "owner@example.com") -> dict[str, Any]:
    response = post(client, "login", {"email": email, "password": PASSWORD})
    assert response.status_code == 200, response.content
    return response.json()


# --- Register and login -----------------------------------------------------------------------


def test_register_signs_the_new_user_in(client: Client, db: None) -> None:
    response = post(
        client,
        "register",
        {"email": "Ada@Example.com", "password": "Str0ng!pass-phrase", "name": "Ada"},
    )

    assert response.status_code == 201
    body = response.json()
    assert set(body) == {"accessToken", "refreshToken", "expiresIn", "tokenType", "user"}
    assert (body["tokenType"], body["expiresIn"]) == ("Bearer", 900)
    assert body["user"]["email"] == "ada@example.com"
    assert response["Cache-Control"] == "no-store"
    me = client.get("/auth/me", headers=bearer(body["accessToken"]))
    assert me.json() == {**body["user"], "scopes": None, "campaignId": None}


@pytest.mark.parametrize(
    ("body", "field"),
    [
        ({"email": "ada@example.com", "password": "short", "name": "Ada"}, "password"),
        ({"email": "ada@example.com", "password": "password1", "name": "Ada"}, "password"),
        ({"email": "ada", "password": "Str0ng!pass-phrase", "name": "Ada"}, "email"),
        ({"email": "owner@example.com", "password": "Str0ng!pass-phrase", "name": "Ada"}, "email"),
        ({"email": "ada@example.com", "password": "Str0ng!pass-phrase"}, "name"),
        ({"email": "ada@example.com", "password": 12345678, "name": "Ada"}, "password"),
        (
            {"email": "ada@example.com", "password": "Str0ng!pass-phrase", "name": "A", "x": 1},
            "x",
        ),
    ],
)
def test_register_errors_name_the_field(
    client: Client, personas: Personas, body: dict[str, Any], field: str
) -> None:
    response = post(client, "register", body)

    assert response.status_code == 400
    assert error_of(response)["code"] == "BAD_REQUEST"
    assert error_of(response)["field"] == field


def test_login_returns_a_token_pair(client: Client, personas: Personas) -> None:
    body = login(client)

    assert body["user"] == {
        "id": str(personas.owner.pk),
        "email": "owner@example.com",
        "name": "Olga Owner",
    }
    assert tokens.user_for_access_token(body["accessToken"]) == personas.owner


def test_wrong_password_and_unknown_email_look_the_same(client: Client, personas: Personas) -> None:
    wrong_password = post(client, "login", {"email": "owner@example.com", "password": "nope"})
    unknown_email = post(client, "login", {"email": "ghost@example.com", "password": "nope"})

    for response in (wrong_password, unknown_email):
        assert response.status_code == 401
        assert response["WWW-Authenticate"].startswith("Bearer")
    assert wrong_password.json() == unknown_email.json()
    assert error_of(wrong_password) == {
        "code": "UNAUTHENTICATED",
        "message": "Invalid email or password",
    }


def test_sixth_login_attempt_in_a_minute_is_throttled(client: Client, personas: Personas) -> None:
    for _ in range(5):
        response = post(client, "login", {"email": "owner@example.com", "password": "guess"})
        assert response.status_code == 401

    throttled = post(client, "login", {"email": "owner@example.com", "password": PASSWORD})

    assert throttled.status_code == 429
    assert error_of(throttled)["code"] == "RATE_LIMITED"
    assert 1 <= int(throttled["Retry-After"]) <= 60
    assert error_of(throttled)["retryAfter"] == int(throttled["Retry-After"])


# --- Malformed requests -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("data", "content_type", "message"),
    [
        ("{not json", "application/json", "not valid JSON"),
        ('["a", "list"]', "application/json", "JSON object"),
        ("[" * 50_000, "application/json", "not valid JSON"),
        ("email=a&password=b", "application/x-www-form-urlencoded", "Content-Type"),
        ('{"email": "owner@example.com"}', "application/json", "password is required"),
    ],
)
def test_malformed_bodies_are_bad_requests(
    client: Client, db: None, data: str, content_type: str, message: str
) -> None:
    response = client.post("/auth/login", data=data, content_type=content_type)

    assert response.status_code == 400
    assert error_of(response)["code"] == "BAD_REQUEST"
    assert message in error_of(response)["message"]


def test_missing_field_is_named(client: Client, db: None) -> None:
    response = post(client, "refresh", {})

    assert response.status_code == 400
    assert error_of(response)["field"] == "refreshToken"


def test_oversized_body_is_refused(client: Client, db: None) -> None:
    response = post(client, "login", {"email": "a@example.com", "password": "x" * 70_000})

    assert response.status_code == 413


def test_wrong_method_is_refused(client: Client, db: None) -> None:
    response = client.get("/auth/login")

    assert response.status_code == 405
    assert response["Allow"] == "POST"


# --- Access tokens ----------------------------------------------------------------------------


def test_me_needs_credentials(client: Client, db: None) -> None:
    response = client.get("/auth/me")

    assert response.status_code == 401


def test_expired_access_token_is_401(client: Client, personas: Personas) -> None:
    stale = tokens.issue_access_token(
        personas.owner, now=timezone.now() - datetime.timedelta(minutes=15, seconds=1)
    )

    response = client.get("/auth/me", headers=bearer(stale))

    assert response.status_code == 401
    assert error_of(response)["message"] == "Access token expired"


@pytest.mark.parametrize("forgery", ["wrong key", "alg none", "tampered payload", "not a jwt"])
def test_forged_access_token_is_401(client: Client, personas: Personas, forgery: str) -> None:
    response = client.get("/auth/me", headers=bearer(forgeries(personas.owner)[forgery]))

    assert response.status_code == 401
    assert error_of(response)["message"] == "Invalid access token"


@pytest.mark.parametrize(
    "authorization", ["Basic b3duZXI6cHc=", "Bearer", "Token abc", "bearer   "]
)
def test_other_authorization_schemes_are_401(client: Client, db: None, authorization: str) -> None:
    response = client.get("/auth/me", headers={"Authorization": authorization})

    assert response.status_code == 401


def test_a_refresh_token_is_not_a_bearer_token(client: Client, personas: Personas) -> None:
    pair = login(client)

    response = client.get("/auth/me", headers=bearer(pair["refreshToken"]))

    assert response.status_code == 401


def test_the_admin_session_cookie_is_not_accepted(client: Client, personas: Personas) -> None:
    # The endpoints skip CSRF checks, so they must not honour the browser's session cookie.
    client.force_login(personas.owner)

    assert client.get("/auth/me").status_code == 401
    assert post(client, "logout-all").status_code == 401


# --- Refresh and logout -----------------------------------------------------------------------


def test_refresh_rotates_and_detects_reuse(client: Client, personas: Personas) -> None:
    first = login(client)

    rotated = post(client, "refresh", {"refreshToken": first["refreshToken"]})
    assert rotated.status_code == 200
    second = rotated.json()
    assert second["refreshToken"] != first["refreshToken"]
    assert client.get("/auth/me", headers=bearer(second["accessToken"])).status_code == 200

    replay = post(client, "refresh", {"refreshToken": first["refreshToken"]})
    assert replay.status_code == 401
    assert error_of(replay)["message"] == "Refresh token reuse detected; please sign in again"
    assert post(client, "refresh", {"refreshToken": second["refreshToken"]}).status_code == 401


def test_an_access_token_cannot_be_refreshed(client: Client, personas: Personas) -> None:
    pair = login(client)

    response = post(client, "refresh", {"refreshToken": pair["accessToken"]})

    assert response.status_code == 401


def test_logout_revokes_only_the_presented_session(client: Client, personas: Personas) -> None:
    laptop, phone = login(client), login(client)

    response = post(client, "logout", {"refreshToken": laptop["refreshToken"]})

    assert response.status_code == 200
    assert post(client, "refresh", {"refreshToken": laptop["refreshToken"]}).status_code == 401
    assert post(client, "refresh", {"refreshToken": phone["refreshToken"]}).status_code == 200


def test_logout_all_needs_a_bearer_token_and_ends_every_session(
    client: Client, personas: Personas
) -> None:
    sessions_ = [login(client), login(client)]
    assert post(client, "logout-all").status_code == 401

    response = post(client, "logout-all", **bearer(sessions_[0]["accessToken"]))

    assert response.status_code == 200
    assert response.json()["revokedSessions"] == 2
    for pair in sessions_:
        assert post(client, "refresh", {"refreshToken": pair["refreshToken"]}).status_code == 401
    assert not RefreshToken.objects.filter(revoked_at__isnull=True).exists()


# --- API keys on /auth/me ---------------------------------------------------------------------


def test_me_with_an_api_key(client: Client, personas: Personas) -> None:
    _, raw = api_keys.create_api_key(personas.actor("owner"), "CI", ["read"])

    response = client.get("/auth/me", headers={"x-api-key": raw})

    assert response.status_code == 200
    assert response.json() == {
        "id": str(personas.owner.pk),
        "email": "owner@example.com",
        "name": "Olga Owner",
        "scopes": ["read"],
        "campaignId": None,
    }


def test_bearer_and_api_key_together_are_refused(client: Client, personas: Personas) -> None:
    _, raw = api_keys.create_api_key(personas.actor("owner"), "CI", ["read"])
    access = login(client)["accessToken"]

    response = client.get("/auth/me", headers={"x-api-key": raw, **bearer(access)})

    assert response.status_code == 401
