"""The GraphQL test harness: ``gql`` posts an operation as a persona, ``data`` is a full campaign.

``data`` is built and committed once per test module, and emptied again after the module as
Django's TransactionTestCase empties the database (``flush``); every test runs in its own
transaction on top of it (pytest-django's ``db``), rolled back afterwards, so a test may change
anything and the next test still sees the same data set. Modules that build their own rows per test use the
personas of ``tests/conftest.py`` instead; one module never mixes the two.
"""

import json
from collections.abc import Iterator
from typing import Any, Protocol

import pytest
from django.core.management import call_command
from django.test import Client, override_settings

from campaign.auth.tokens import issue_access_token
from campaign.models import User
from tests.graphql.dataset import Dataset, build, email

GRAPHQL_URL = "/graphql"
FAST_HASHER = ["django.contrib.auth.hashers.MD5PasswordHasher"]


class Gql(Protocol):
    def __call__(
        self, query: str, variables: dict[str, Any] | None = None, persona: str | None = None
    ) -> dict[str, Any]: ...


def bearer(persona: str | None) -> dict[str, str]:
    """The request headers of ``persona`` (none for an anonymous caller)."""
    if persona is None:
        return {}
    user = User.objects.get(email=email(persona))
    return {"Authorization": f"Bearer {issue_access_token(user)}"}


@pytest.fixture
def gql(client: Client) -> Gql:
    """POST ``{"query", "variables"}`` to /graphql as ``persona`` (None: anonymous) → the JSON."""

    def post(
        query: str, variables: dict[str, Any] | None = None, persona: str | None = None
    ) -> dict[str, Any]:
        response = client.post(
            GRAPHQL_URL,
            data=json.dumps({"query": query, "variables": variables or {}}),
            content_type="application/json",
            headers=bearer(persona),
        )
        assert response.status_code in (200, 400), response.content
        body: dict[str, Any] = response.json()
        return body

    return post


@pytest.fixture(scope="module")
def dataset(django_db_setup: None, django_db_blocker: Any) -> Iterator[Dataset]:
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=FAST_HASHER):
        try:
            yield build()
        finally:
            call_command("flush", interactive=False, verbosity=0)


@pytest.fixture
def data(dataset: Dataset, db: None) -> Dataset:
    """The module's data set, under this test's transaction that is rolled back afterwards."""
    return dataset


def codes(body: dict[str, Any]) -> list[str]:
    return [error.get("extensions", {}).get("code") for error in body.get("errors") or []]


def error_of(body: dict[str, Any]) -> dict[str, Any]:
    """The one error of a response that must have failed."""
    errors = body.get("errors") or []
    assert len(errors) == 1, body
    error: dict[str, Any] = errors[0]
    return error


def ok(body: dict[str, Any]) -> dict[str, Any]:
    """The data of a response that must have succeeded."""
    assert not body.get("errors"), body["errors"]
    result: dict[str, Any] = body["data"]
    return result
