"""The one way tests send GraphQL: ``POST /graphql`` through Django's test client, as a persona
(by name), a user, with an API key, or anonymously."""

import json
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.core.cache import cache
from django.test import Client

from api.graphql import addresses
from campaign.auth.tokens import issue_access_token
from campaign.models import User

if TYPE_CHECKING:
    from django.test.client import _MonkeyPatchedWSGIResponse as Response

GRAPHQL_URL = "/graphql"


def persona_user(persona: str) -> User:
    """The user of a persona: every data set signs its personas up as ``<name>@example.com``."""
    return User.objects.get(email=f"{persona}@example.com")


def bearer(user: User) -> dict[str, str]:
    return {"Authorization": f"Bearer {issue_access_token(user)}"}


@dataclass(frozen=True)
class GraphQLClient:
    client: Client = field(default_factory=Client)

    def response(
        self,
        query: str = "",
        variables: Any = None,
        persona: str | None = None,
        *,
        user: User | None = None,
        api_key: str | None = None,
        raw: str | None = None,
    ) -> "Response":
        """The HTTP response to ``{"query", "variables"}`` (or to the ``raw`` body)."""
        headers: dict[str, str] = {}
        if persona is not None:
            user = persona_user(persona)
        if user is not None:
            headers.update(bearer(user))
        if api_key is not None:
            headers["X-Api-Key"] = api_key
        body = (
            raw if raw is not None else json.dumps({"query": query, "variables": variables or {}})
        )
        return self.client.post(
            GRAPHQL_URL, data=body, content_type="application/json", headers=headers
        )

    def __call__(
        self,
        query: str,
        variables: Any = None,
        persona: str | None = None,
        *,
        user: User | None = None,
        api_key: str | None = None,
    ) -> dict[str, Any]:
        """The JSON body of the answer to an operation, which is a GraphQL answer (200 or 400)."""
        response = self.response(query, variables, persona, user=user, api_key=api_key)
        assert response.status_code in (200, 400), response.content
        body: dict[str, Any] = json.loads(response.content)
        return body


def codes(body: dict[str, Any]) -> list[str]:
    return [error.get("extensions", {}).get("code") for error in body.get("errors") or []]


def error_of(body: dict[str, Any]) -> dict[str, Any]:
    """The one error of a response that must have failed."""
    errors = body.get("errors") or []
    assert len(errors) == 1, body
    error: dict[str, Any] = errors[0]
    return error


def code_of(body: dict[str, Any]) -> str:
    return str(error_of(body)["extensions"]["code"])


def ok(body: dict[str, Any]) -> dict[str, Any]:
    """The data of a response that must have succeeded."""
    assert not body.get("errors"), body["errors"]
    result: dict[str, Any] = body["data"]
    return result


def refusal(body: dict[str, Any], code: str = "BAD_REQUEST") -> dict[str, Any]:
    """The single error of a refused request, which must have ``code`` and no data (a value the
    variables' declared types refuse is BAD_USER_INPUT; one the domain refuses, BAD_REQUEST)."""
    assert not body.get("data"), body
    (error,) = body["errors"]
    assert error["extensions"]["code"] == code, error
    return error  # type: ignore[no-any-return]


def forget_earlier_requests() -> None:
    """Make the next request cost what the first of its kind costs: neither this process nor
    the cache remembers earlier ones (kept answers and their parents' addresses:
    api/graphql/answers.py)."""
    addresses.book.clear()
    cache.clear()
