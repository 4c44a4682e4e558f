"""The per-request GraphQL context: who is asking, and the request's DataLoaders."""

from functools import cached_property
from typing import TYPE_CHECKING, Any

from django.http import HttpRequest

from api.health import Readiness, check_readiness
from campaign.auth.request_auth import actor_for_request
from kernel.actor import Actor

if TYPE_CHECKING:
    from api.graphql.answers import Pending


class GraphQLContext:
    def __init__(self, request: HttpRequest) -> None:
        self.request = request
        self.loaders: dict[str, Any] = {}
        # What api/graphql/answers.py keys answers by (query, variables, operation name), and
        # the answers to keep.
        self.operation_request: tuple[str, Any, str | None] | None = None
        self.pending_answers: list[Pending] = []

    @cached_property
    def actor(self) -> Actor:
        # Resolved on first use, so a bad token fails the fields that need it with UNAUTHENTICATED
        # while `health` still answers. Token headers only: the endpoint is exempt from CSRF, so
        # an admin session cookie must not authenticate it.
        return actor_for_request(self.request, allow_session=False)

    @property
    def user(self) -> Any:
        return self.actor.user

    @cached_property
    def readiness(self) -> Readiness:
        # Checked once per request, however many aliases of `health` a document asks for.
        return check_readiness()
