"""One mapping from domain errors to GraphQL errors (DESIGN §6), used by every resolver.

A domain error keeps its message and gets ``extensions.code`` (plus ``field`` in camelCase, or
the versions of a conflict). Anything else is an internal error: logged with its traceback, and
shown to the client as a bare ``INTERNAL_SERVER_ERROR`` unless DEBUG is on.
"""

import logging
import re
from typing import Any

from django.conf import settings
from graphql import GraphQLError

from config.errors import DomainError, ErrorCode

logger = logging.getLogger(__name__)


def camel(name: str) -> str:
    """``location_id`` → ``locationId``; past the first dot (``variables.max_level``) as is."""
    head, dot, rest = name.partition(".")
    head = re.sub(r"_([a-z0-9])", lambda m: m.group(1).upper(), head)
    return head + dot + rest


def format_error(error: Exception) -> dict[str, Any]:
    if not isinstance(error, GraphQLError):
        error = GraphQLError(str(error), original_error=error)
    original = error.original_error
    formatted: dict[str, Any] = error.formatted
    extensions = dict(formatted.get("extensions") or {})
    if isinstance(original, DomainError):
        extensions.update(original.extensions)
        if "field" in extensions:
            extensions["field"] = camel(extensions["field"])
        extensions["code"] = str(original.code)
        formatted["message"] = original.message
    elif original is not None and not isinstance(original, GraphQLError):
        logger.error("Unhandled error in a resolver", exc_info=original)
        extensions["code"] = ErrorCode.INTERNAL_SERVER_ERROR
        if not settings.DEBUG:
            formatted["message"] = "Internal server error"
    else:
        # Syntax, validation and variable-coercion errors: the request itself is wrong.
        extensions.setdefault("code", ErrorCode.BAD_REQUEST)
    formatted["extensions"] = extensions
    return formatted
