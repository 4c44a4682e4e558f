"""REST JSON endpoints under /auth.

Exempt from CSRF because they authenticate by headers only (``request_auth`` is called with
``allow_session=False``): a cross-site request carries no credential they accept.
Errors are ``{"error": {"code", "message", "field"?, ...}}`` with the HTTP status of the code.
"""

import functools
import json
from collections.abc import Callable
from typing import Any

from django.core.exceptions import RequestDataTooBig
from django.http import HttpRequest, JsonResponse
from django.views.decorators.csrf import csrf_exempt

from campaign.actions import fields
from campaign.auth import api_keys, sessions
from campaign.auth.rate_limit import RateLimited
from campaign.auth.request_auth import actor_for_request, client_for_request
from campaign.models import User
from kernel.errors import (
    AuthenticationError,
    DomainError,
    ErrorCode,
    ValidationError,
)

MAX_BODY_BYTES = 64 * 1024

STATUS: dict[str, int] = {
    ErrorCode.BAD_REQUEST: 400,
    ErrorCode.UNAUTHENTICATED: 401,
    ErrorCode.FORBIDDEN: 403,
    ErrorCode.NOT_FOUND: 404,
    ErrorCode.CONFLICT: 409,
    RateLimited.code: 429,
    ErrorCode.SERVICE_UNAVAILABLE: 503,
}

View = Callable[..., JsonResponse]


class PayloadTooLarge(ValidationError):
    """A bad request answered with 413 rather than 400."""


def endpoint(*methods: str) -> Callable[[View], View]:
    """Method check, domain errors → JSON errors, and no caching of responses holding tokens."""

    def decorate(view: View) -> View:
        @csrf_exempt
        @functools.wraps(view)
        def run(request: HttpRequest, *args: Any, **kwargs: Any) -> JsonResponse:
            if request.method not in methods:
                response = error_response(
                    ValidationError(f"Method {request.method} is not allowed here"), status=405
                )
                response["Allow"] = ", ".join(methods)
            else:
                try:
                    response = view(request, *args, **kwargs)
                except DomainError as exc:
                    response = error_response(exc)
            response["Cache-Control"] = "no-store"
            return response

        return run

    return decorate


def error_response(exc: DomainError, status: int | None = None) -> JsonResponse:
    if status is None:
        status = 413 if isinstance(exc, PayloadTooLarge) else STATUS.get(exc.code, 500)
    response = JsonResponse(
        {"error": {"code": str(exc.code), "message": exc.message, **exc.extensions}},
        status=status,
    )
    if "retryAfter" in exc.extensions:
        # Too many attempts (429) or a dependency down (503): when to send it again.
        response["Retry-After"] = str(exc.extensions["retryAfter"])
    if status == 401:
        response["WWW-Authenticate"] = 'Bearer realm="campaign-manager"'
    return response


def read_json(
    request: HttpRequest, required: tuple[str, ...], optional: tuple[str, ...] = ()
) -> dict[str, Any]:
    """The body as a JSON object holding the ``required`` fields and perhaps ``optional`` ones;
    any other field is refused by name (a typo should not be silently ignored)."""
    try:
        declared = int(request.META.get("CONTENT_LENGTH") or 0)
    except ValueError:
        declared = 0
    if declared > MAX_BODY_BYTES:
        raise PayloadTooLarge(f"The request body may be at most {MAX_BODY_BYTES} bytes")
    if request.content_type != "application/json":
        raise ValidationError("The Content-Type must be application/json")
    try:
        body = request.body
    except RequestDataTooBig as exc:
        raise PayloadTooLarge(f"The request body may be at most {MAX_BODY_BYTES} bytes") from exc
    # A chunked request declares no length, so the body itself is measured too.
    if len(body) > MAX_BODY_BYTES:
        raise PayloadTooLarge(f"The request body may be at most {MAX_BODY_BYTES} bytes")
    try:
        data = json.loads(body)
    except (ValueError, RecursionError) as exc:
        raise ValidationError("The request body is not valid JSON") from exc
    if not isinstance(data, dict):
        raise ValidationError("The request body must be a JSON object")
    unknown = sorted(set(data) - set(required) - set(optional))
    if unknown:
        raise ValidationError(f"Unknown field: {unknown[0]}", field=unknown[0])
    for name in required:
        if data.get(name) is None:
            raise ValidationError(f"{name} is required", field=name)
    for name, value in data.items():
        # Storable JSON only (no NUL, lone surrogate, NaN or Infinity), so no endpoint can fail
        # on an odd string; each field is then checked by the action it goes to.
        fields.json_value(value, name)
    return data


def string(data: dict[str, Any], name: str) -> str:
    value = data[name]
    if not isinstance(value, str):
        raise ValidationError(f"{name} must be a string", field=name)
    return value


def user_json(user: User) -> dict[str, Any]:
    return {"id": str(user.pk), "email": user.email, "name": user.name}


def token_response(pair: sessions.TokenPair, status: int = 200) -> JsonResponse:
    return JsonResponse(
        {
            "accessToken": pair.access_token,
            "refreshToken": pair.refresh_token,
            "expiresIn": pair.expires_in,
            "tokenType": "Bearer",
            "user": user_json(pair.user),
        },
        status=status,
    )


def signed_in_user(request: HttpRequest) -> User:
    """The user of a Bearer token; API keys cannot end sessions (``sessions.session_user``)."""
    return sessions.session_user(actor_for_request(request, allow_session=False))


@endpoint("POST")
def register(request: HttpRequest) -> JsonResponse:
    data = read_json(request, ("email", "password", "name"))
    pair = sessions.register(
        string(data, "email"),
        string(data, "password"),
        string(data, "name"),
        client_for_request(request),
    )
    return token_response(pair, status=201)


@endpoint("POST")
def login(request: HttpRequest) -> JsonResponse:
    data = read_json(request, ("email", "password"))
    pair = sessions.login(
        string(data, "email"), string(data, "password"), client_for_request(request)
    )
    return token_response(pair)


@endpoint("POST")
def refresh(request: HttpRequest) -> JsonResponse:
    data = read_json(request, ("refreshToken",))
    pair = sessions.refresh(string(data, "refreshToken"), client_for_request(request))
    return token_response(pair)


@endpoint("POST")
def logout(request: HttpRequest) -> JsonResponse:
    data = read_json(request, ("refreshToken",))
    sessions.logout(string(data, "refreshToken"), client_for_request(request))
    return JsonResponse({"message": "Logged out"})


@endpoint("POST")
def logout_all(request: HttpRequest) -> JsonResponse:
    revoked = sessions.logout_all(signed_in_user(request), client_for_request(request))
    return JsonResponse({"message": "Logged out from all devices", "revokedSessions": revoked})


@endpoint("GET")
def me(request: HttpRequest) -> JsonResponse:
    actor = actor_for_request(request, allow_session=False)
    if actor.user is None:
        raise AuthenticationError("Authentication required")
    return JsonResponse(
        {
            **user_json(actor.user),
            # Set only when the caller used an API key: what the key restricts it to.
            "scopes": sorted(actor.scopes) if actor.scopes is not None else None,
            "campaignId": str(actor.campaign_id) if actor.campaign_id is not None else None,
        }
    )


@endpoint("GET", "POST")
def api_keys_collection(request: HttpRequest) -> JsonResponse:
    actor = actor_for_request(request, allow_session=False)
    if request.method == "GET":
        keys = api_keys.list_api_keys(actor)
        return JsonResponse({"apiKeys": [api_keys.describe(key) for key in keys]})
    data = read_json(request, ("name", "scopes"), optional=("campaignId", "expiresAt"))
    key, raw = api_keys.create_api_key(
        actor, data["name"], data["scopes"], data.get("campaignId"), data.get("expiresAt")
    )
    # The only time the raw key is ever returned.
    return JsonResponse({**api_keys.describe(key), "key": raw}, status=201)


@endpoint("DELETE")
def api_key_item(request: HttpRequest, key_id: str) -> JsonResponse:
    api_keys.revoke_api_key(actor_for_request(request, allow_session=False), key_id)
    return JsonResponse({"message": "API key revoked"})
