"""Strings no column stores or no hash takes (lone surrogates, NUL) are refused by every auth
endpoint and action naming the field; the throttle counts them rather than failing."""

import json
from typing import Any

import pytest
from django.test import Client

from campaign.auth import api_keys, rate_limit, sessions
from campaign.auth.tokens import issue_access_token
from campaign.models import User
from kernel.actor import Actor
from kernel.errors import ValidationError
from tests.conftest import Personas
from tests.graphql_client import GraphQLClient, error_of

PASSWORD = "correct horse battery staple"
HERE = sessions.Client("10.0.0.1")


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


def test_graphql_login_refuses_a_lone_surrogate(gql: GraphQLClient, personas: Personas) -> None:
    query = 'mutation($e: String!) { login(email: $e, password: "p") { accessToken } }'
    failure = error_of(gql(query, {"e": "\ud800@example.com"}))
    assert failure["extensions"] == {"code": "BAD_REQUEST", "field": "email"}
