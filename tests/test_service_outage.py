"""The database down: every transport answers SERVICE_UNAVAILABLE with a retry hint, in JSON.

The outage is real: the default database is pointed at a closed port of this machine
(PostgreSQL) or at a file that cannot be opened (SQLite), so connecting is refused by the
operating system. The server other tests use is never touched.
"""

import json
import socket
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any
from uuid import uuid4

import pytest
from asgiref.sync import async_to_sync
from django.db import OperationalError, connection, connections
from django.db.utils import load_backend
from django.test import Client

from campaign.auth.tokens import issue_access_token
from campaign.models import World
from tests.asgi import asgi_request
from tests.conftest import Personas, make_user
from tests.graphql_client import GraphQLClient

HEALTH_TOKEN = "monitor-secret"
PASSWORD = "correct horse battery staple"
MESSAGE = "The service is temporarily unavailable; try again shortly"
GRAPHQL_HINT = {"code": "SERVICE_UNAVAILABLE", "retryAfter": 5}
REST_ENVELOPE = {"error": {"code": "SERVICE_UNAVAILABLE", "message": MESSAGE, "retryAfter": 5}}


@contextmanager
def database_down() -> Iterator[None]:
    """Every new connection to the default database is refused, in any thread, and this thread's
    connection (holding the test's transaction) is set aside meanwhile."""
    shared = connection.settings_dict  # the dict every thread's connection is created from
    with socket.socket() as closed, tempfile.TemporaryDirectory() as empty:
        # Bound, so nothing else takes the port, but not listening: connecting is refused.
        closed.bind(("127.0.0.1", 0))
        dead: dict[str, Any]
        if connection.vendor == "postgresql":
            dead = {"HOST": "127.0.0.1", "PORT": closed.getsockname()[1]}
        else:
            dead = {"NAME": str(Path(empty) / "missing" / "db.sqlite3")}
        pool = shared.get("OPTIONS", {}).get("pool")
        if pool:
            # The pool of live connections is set aside too; the dead one gives up quickly.
            dead["OPTIONS"] = {**shared["OPTIONS"], "pool": {**pool, "timeout": 0.5}}
        saved = {key: shared[key] for key in dead}
        alive = connections["default"]
        pools = getattr(type(alive), "_connection_pools", {})
        alive_pool = pools.pop("default", None)
        down = load_backend(shared["ENGINE"]).DatabaseWrapper({**shared, **dead}, "default")
        try:
            shared.update(dead)
            connections["default"] = down
            yield
        finally:
            shared.update(saved)
            down.close()
            dead_pool = pools.pop("default", None)
            if dead_pool is not None:
                dead_pool.close()
            if alive_pool is not None:
                pools["default"] = alive_pool
            connections["default"] = alive


def login(client: Client) -> Any:
    body = {"email": "owner@example.com", "password": PASSWORD}
    return client.post("/auth/login", data=json.dumps(body), content_type="application/json")


def test_the_outage_is_a_refused_connection(personas: Personas) -> None:
    with database_down(), pytest.raises(OperationalError):
        World.objects.count()


def test_a_graphql_query_is_service_unavailable_with_a_retry_hint(
    gql: GraphQLClient, personas: Personas
) -> None:
    # Given a signed-in user, then the database going down
    with database_down():
        # When they ask for their worlds
        response = gql.response("{ worlds { id } }", user=personas.owner)

    # Then the error says to retry later, not that the server is broken
    assert response.status_code == 200
    assert response.json() == {
        "data": None,
        "errors": [
            {
                "message": MESSAGE,
                "locations": [{"line": 1, "column": 3}],
                "path": ["worlds"],
                "extensions": GRAPHQL_HINT,
            }
        ],
    }


def test_a_graphql_mutation_is_service_unavailable_and_writes_nothing(
    gql: GraphQLClient, personas: Personas
) -> None:
    mutation = 'mutation { createWorld(input: {name: "Outage", calendars: []}) { id } }'

    with database_down():
        response = gql.response(mutation, user=personas.owner)

    assert [error["extensions"] for error in response.json()["errors"]] == [GRAPHQL_HINT]
    assert not World.objects.filter(name="Outage").exists()


def test_graphql_health_is_not_ok_while_the_database_is_down(gql: GraphQLClient, db: None) -> None:
    with database_down():
        response = gql.response("{ health { status } }")

    assert response.json() == {"data": {"health": {"status": "unavailable"}}}


def test_rest_login_answers_the_json_envelope_with_503_and_retry_after(
    client: Client, personas: Personas
) -> None:
    # Given the database down
    with database_down():
        # When a user signs in
        response = login(client)

    # Then the REST error envelope says to retry, instead of Django's HTML 500 page
    assert response.status_code == 503
    assert response["Content-Type"] == "application/json"
    assert response["Retry-After"] == "5"
    assert response.json() == REST_ENVELOPE


def test_admin_login_answers_the_json_envelope_with_503(client: Client, db: None) -> None:
    with database_down():
        response = client.post(
            "/admin/login/", {"username": "owner@example.com", "password": PASSWORD}
        )

    assert response.status_code == 503
    assert response.json() == REST_ENVELOPE


def test_anonymous_readiness_says_only_unavailable(client: Client, db: None) -> None:
    with database_down():
        response = client.get("/health/")

    assert response.status_code == 503
    assert response.content == b'{"status": "unavailable"}'
    assert response["Retry-After"] == "5"


def test_the_health_token_shows_the_database_check_failing(
    client: Client, db: None, settings: Any
) -> None:
    settings.HEALTH_TOKEN = HEALTH_TOKEN

    with database_down():
        response = client.get("/health/", headers={"X-Health-Token": HEALTH_TOKEN})

    checks = response.json()["checks"]
    assert checks["database"].startswith("Unavailable: ")
    assert {name: outcome for name, outcome in checks.items() if name != "database"} == {
        name: "ok" for name in checks if name != "database"
    }


def test_a_staff_session_cannot_be_read_while_the_database_is_down(
    client: Client, db: None
) -> None:
    # Given a staff user signed in to the admin (the session lives in the database)
    client.force_login(make_user("staff@example.com", is_staff=True))

    # When the database goes down and they open /health/
    with database_down():
        response = client.get("/health/")

    # Then they are anonymous for now, and see only the status
    assert response.status_code == 503
    assert response.json() == {"status": "unavailable"}


async def asgi(
    method: str, path: str, body: bytes = b"", token: str | None = None
) -> tuple[int, dict[bytes, bytes], Any]:
    """One request through config.asgi.application → (status, headers, JSON body)."""
    response = await asgi_request(
        method,
        path,
        chunks=[body],
        headers=[(b"content-type", b"application/json")],
        token=token,
    )
    return response.status, response.headers, response.json()


def test_every_transport_of_the_asgi_app_answers_the_outage(personas: Personas) -> None:
    # Given a signed-in user, then the database down
    request = async_to_sync(asgi)
    credentials = json.dumps({"email": "owner@example.com", "password": PASSWORD}).encode()
    query = json.dumps(
        {
            "query": "query($id: ID!) { health { status } world(id: $id) { id } }",
            "variables": {"id": str(uuid4())},
        }
    )
    token = issue_access_token(personas.owner)
    with database_down():
        # When they sign in again, read over GraphQL and check readiness
        login_status, login_headers, login_body = request("POST", "/auth/login", credentials)
        graphql_status, _, graphql_body = request("POST", "/graphql", query.encode(), token)
        health_status, _, health_body = request("GET", "/health/")

    # Then each answers in JSON that the service is unavailable, with when to retry
    assert (login_status, login_headers[b"Retry-After"], login_body) == (
        503,
        b"5",
        REST_ENVELOPE,
    )
    assert graphql_status == 200
    assert graphql_body["data"] == {"health": {"status": "unavailable"}, "world": None}
    assert [error["extensions"] for error in graphql_body["errors"]] == [GRAPHQL_HINT]
    assert (health_status, health_body) == (503, {"status": "unavailable"})
