"""The per-request GraphQL context: who is asking, and the request's DataLoaders."""

import uuid
from functools import cached_property
from typing import TYPE_CHECKING, Any

from django.http import HttpRequest

from api.health import Readiness, check_readiness
from campaign.auth import tokens, user_cache
from campaign.auth.request_auth import actor_for_request, bearer_token
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
        # The token's user's stamp, when read with the first kept answer (``user_stamp_key``).
        self.user_stamp: tuple[uuid.UUID, str | None] | None = None

    @cached_property
    def actor(self) -> Actor:
        # Resolved on first use, so a bad token fails the fields that need it with UNAUTHENTICATED
        # while `health` still answers. Token headers only: the endpoint is exempt from CSRF, so
        # an admin session cookie must not authenticate it.
        return actor_for_request(self.request, allow_session=False, stamp=self.user_stamp)

    def user_stamp_key(self) -> tuple[uuid.UUID, str] | None:
        """The user a bearer token names (unverified) and the key of their stamp, while the actor
        is not resolved yet: a kept answer reads the stamp in its own round trip to the cache,
        and the actor is then resolved without reading it again (campaign/auth/user_cache.py)."""
        if "actor" in self.__dict__ or not user_cache.shared():
            return None
        token = bearer_token(self.request)
        user_id = tokens.claimed_user_id(token) if token else None
        return (user_id, user_cache.stamp_key(user_id)) if user_id else None

    @property
    def user(self) -> Any:
        return self.actor.user

    @cached_property
    def readiness(self) -> Readiness:
        # Checked once per request, however many aliases of `health` a document asks for.
        return check_readiness()
