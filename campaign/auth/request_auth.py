"""Who is calling: an Actor from a request's credentials.

A credential that is present but bad is an error, never a silent fall-back to anonymous: a client
whose token expired must learn so (401) instead of seeing an empty, logged-out view.
"""

import dataclasses
import uuid

from django.http import HttpRequest

from campaign.auth import api_keys, tokens
from campaign.auth.sessions import Client
from campaign.models import User
from kernel.actor import Actor
from kernel.errors import AuthenticationError


def client_for_request(request: HttpRequest) -> Client:
    # REMOTE_ADDR, not X-Forwarded-For, which any client can forge to dodge rate limits. Behind
    # a reverse proxy the server must be configured to put the real client address there.
    return Client(
        ip=request.META.get("REMOTE_ADDR") or "unknown",
        user_agent=request.META.get("HTTP_USER_AGENT", ""),
    )


def bearer_token(request: HttpRequest) -> str | None:
    """The token of a well-formed ``Authorization: Bearer`` header, else None."""
    scheme, _, token = (request.headers.get("Authorization") or "").strip().partition(" ")
    return token.strip() or None if scheme.lower() == "bearer" else None


def actor_for_request(
    request: HttpRequest,
    *,
    allow_session: bool = True,
    stamp: tuple[uuid.UUID, str | None] | None = None,
) -> Actor:
    """``Authorization: Bearer <jwt>`` → its user; ``x-api-key`` → the key's narrowed actor;
    neither → the admin-session user when ``allow_session``, else anonymous.

    Endpoints exempt from CSRF must pass ``allow_session=False``: a session cookie is sent by the
    browser on cross-site requests, a token header is not. ``stamp``: the token's user's stamp,
    read already (``tokens.user_for_access_token``).
    """
    client = client_for_request(request)
    authorization = request.headers.get("Authorization")
    api_key = request.headers.get("X-Api-Key")
    if authorization is not None and api_key is not None:
        raise AuthenticationError("Send either a Bearer token or an x-api-key header, not both")
    if authorization is not None:
        token = bearer_token(request)
        if token is None:
            raise AuthenticationError("The Authorization header must be 'Bearer <access token>'")
        return Actor(tokens.user_for_access_token(token, stamp), metadata=client.metadata)
    if api_key is not None:
        key_actor = api_keys.authenticate_api_key(api_key.strip())
        return dataclasses.replace(key_actor, metadata={**client.metadata, **key_actor.metadata})
    user = getattr(request, "user", None)
    if allow_session and isinstance(user, User) and user.is_authenticated:
        return Actor(user, metadata=client.metadata)
    return Actor(None, metadata=client.metadata)
