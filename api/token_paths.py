"""Session, CSRF, authentication and messages middleware only where a browser session is used.

The GraphQL endpoint, the REST auth endpoints and the liveness probe authenticate by token headers
or not at all, and never read a session or a cookie (``actor_for_request(allow_session=False)``;
they are exempt from CSRF), so these four middleware did nothing for them but cost each request a
cookie parse, a lazy user, a message store and the CSRF checks (profile_requests: the Django
request share of a GraphQL read). The admin, the audit export and the readiness view keep them.

Each class here is Django's middleware of that name, skipped on the token paths.
"""

from collections.abc import Callable
from typing import Any

from django.contrib.auth.middleware import AuthenticationMiddleware as DjangoAuthentication
from django.contrib.messages.middleware import MessageMiddleware as DjangoMessages
from django.contrib.sessions.middleware import SessionMiddleware as DjangoSessions
from django.http import HttpRequest, HttpResponseForbidden
from django.middleware.csrf import CsrfViewMiddleware as DjangoCsrf

TOKEN_PATHS = frozenset({"/graphql", "/graphql/", "/health/live/"})
TOKEN_PREFIXES = ("/auth/",)


def token_path(path: str) -> bool:
    return path in TOKEN_PATHS or path.startswith(TOKEN_PREFIXES)


class SessionMiddleware(DjangoSessions):
    def __call__(self, request: HttpRequest) -> Any:
        if token_path(request.path_info):
            return self.get_response(request)
        return super().__call__(request)


class AuthenticationMiddleware(DjangoAuthentication):
    def __call__(self, request: HttpRequest) -> Any:
        if token_path(request.path_info):
            return self.get_response(request)
        return super().__call__(request)


class MessageMiddleware(DjangoMessages):
    def __call__(self, request: HttpRequest) -> Any:
        if token_path(request.path_info):
            return self.get_response(request)
        return super().__call__(request)


class CsrfViewMiddleware(DjangoCsrf):
    def __call__(self, request: HttpRequest) -> Any:
        if token_path(request.path_info):
            return self.get_response(request)
        return super().__call__(request)

    def process_view(
        self,
        request: HttpRequest,
        callback: Callable[..., Any],
        callback_args: Any,
        callback_kwargs: Any,
    ) -> HttpResponseForbidden | None:
        if token_path(request.path_info):
            return None
        return super().process_view(request, callback, callback_args, callback_kwargs)
