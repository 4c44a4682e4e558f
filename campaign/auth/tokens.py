"""Short-lived JWT access tokens (PyJWT, HS256).

Refresh tokens are deliberately *not* JWTs (see ``sessions``): they are opaque random strings
looked up by digest, so they can be revoked and rotated. The ``type`` claim stops any other token
we might sign with the same key from being accepted as an access token.
"""

import datetime
import time
import uuid
from typing import Any

import jwt
from django.conf import settings
from django.utils import timezone

from campaign.auth import user_cache
from campaign.models import User
from kernel.errors import AuthenticationError

ALGORITHM = "HS256"
ISSUER = "campaign-manager"
ACCESS = "access"


def access_token_lifetime() -> datetime.timedelta:
    return datetime.timedelta(minutes=settings.JWT_ACCESS_TOKEN_MINUTES)


def issue_access_token(user: User, *, now: datetime.datetime | None = None) -> str:
    """A signed access token for ``user``; ``now`` lets tests mint tokens that already expired."""
    issued = now or timezone.now()
    claims = {
        "sub": str(user.pk),
        # A fractional NumericDate (RFC 7519 allows it), so logout-all can tell a token issued
        # just before it from one issued just after, within the same second.
        "iat": issued.timestamp(),
        "exp": (issued + access_token_lifetime()).timestamp(),
        "iss": ISSUER,
        "type": ACCESS,
        "jti": uuid.uuid4().hex,
    }
    return jwt.encode(claims, settings.SECRET_KEY, algorithm=ALGORITHM)


# Verified claims by (signing key, token): a client sends the same token for its whole life, and
# verifying it again (base64 checks, HMAC, claim checks: about a tenth of a kept read) would give
# the same claims until it expires. Only tokens that verified are kept; past the bound, start over.
MAX_VERIFIED = 4096
# The same words whether PyJWT or the kept claims find the token expired.
EXPIRED = "Access token expired"
_verified: dict[tuple[str, str], dict[str, Any]] = {}


def decode_access_token(token: str) -> dict[str, Any]:
    """The verified claims. Only HS256 is accepted, so "alg: none" and key-confusion tricks fail."""
    key = (settings.SECRET_KEY, token)
    claims = _verified.get(key)
    if claims is not None:
        if claims["exp"] > time.time():
            return claims
        _verified.pop(key, None)
        raise AuthenticationError(EXPIRED)
    claims = _verify(token)
    if len(_verified) >= MAX_VERIFIED:
        _verified.clear()
    _verified[key] = claims
    return claims


def _verify(token: str) -> dict[str, Any]:
    try:
        claims: dict[str, Any] = jwt.decode(
            token,
            settings.SECRET_KEY,
            algorithms=[ALGORITHM],
            issuer=ISSUER,
            options={"require": ["sub", "iat", "exp", "iss", "type"]},
        )
    except jwt.ExpiredSignatureError as exc:
        raise AuthenticationError(EXPIRED) from exc
    except jwt.InvalidTokenError as exc:
        raise AuthenticationError("Invalid access token") from exc
    if claims["type"] != ACCESS:
        raise AuthenticationError("Not an access token")
    return claims


def claimed_user_id(token: str) -> uuid.UUID | None:
    """Whom the token names, unverified: only to read that user's stamp early
    (``user_for_access_token``'s ``stamp``); None when it names no one."""
    verified = _verified.get((settings.SECRET_KEY, token))
    try:
        claims = verified or jwt.decode(token, options={"verify_signature": False})
        return uuid.UUID(str(claims["sub"]))
    except (jwt.InvalidTokenError, KeyError, ValueError):
        return None


def user_for_access_token(token: str, stamp: tuple[uuid.UUID, str | None] | None = None) -> User:
    """The active user the token was issued to; a deactivated user's tokens stop working.
    ``stamp`` is a user's stamp read already (``user_cache.active_user``), used only if the
    verified token is that user's."""
    claims = decode_access_token(token)
    try:
        user_id = uuid.UUID(str(claims["sub"]))
    except ValueError as exc:
        raise AuthenticationError("Invalid access token") from exc
    read = (stamp[1],) if stamp is not None and stamp[0] == user_id else None
    user = user_cache.active_user(user_id, read)
    if user is None:
        raise AuthenticationError("User not found or deactivated")
    valid_after = user.tokens_valid_after
    if valid_after is not None and claims["iat"] < valid_after.timestamp():
        raise AuthenticationError("This session was signed out; please sign in again")
    return user
