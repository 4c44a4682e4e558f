"""One mapping from domain errors to GraphQL errors, used by every resolver.

A domain error keeps its message and gets ``extensions.code`` (plus ``field`` in camelCase, or
the versions of a conflict). A dependency outage is ``SERVICE_UNAVAILABLE`` with ``retryAfter``
seconds; the response stays HTTP 200 like every other field error, since other fields of the same
document may have resolved. Anything else is an internal error: logged with its traceback, and
shown to the client as a bare ``INTERNAL_SERVER_ERROR`` unless DEBUG is on. The codes clients
see are listed in docs/graphql-contract.md#errors.
"""

import logging
import re
from collections.abc import Iterable
from enum import StrEnum
from typing import Any

from django.conf import settings
from graphene_django.views import HttpError
from graphql import GraphQLError

from api.outages import service_unavailable
from kernel.errors import DomainError, ErrorCode
from observability import metrics

logger = logging.getLogger(__name__)


class RequestErrorCode(StrEnum):
    """Codes of a document or variables refused before anything runs, as the original's server
    (Apollo) sent them; a client of the original tells them apart from domain errors."""

    GRAPHQL_PARSE_FAILED = "GRAPHQL_PARSE_FAILED"
    GRAPHQL_VALIDATION_FAILED = "GRAPHQL_VALIDATION_FAILED"
    BAD_USER_INPUT = "BAD_USER_INPUT"


def coded(errors: Iterable[GraphQLError], code: RequestErrorCode) -> tuple[GraphQLError, ...]:
    """``errors`` with ``code``, unless one already has a code of its own (a refusal of text no
    column can store is BAD_REQUEST wherever it is found)."""
    for error in errors:
        error.extensions = {"code": str(code), **(error.extensions or {})}
    return tuple(errors)


def camel(name: str) -> str:
    """``location_id`` → ``locationId``; past the first dot (``variables.max_level``) as is."""
    head, dot, rest = name.partition(".")
    head = re.sub(r"_([a-z0-9])", lambda m: m.group(1).upper(), head)
    return head + dot + rest


# graphql-core's variable-coercion messages: "Variable '$input' got invalid value … at
# 'input.geoJson'; …", "…; Field 'name' of required type 'String!' was not provided.", …
VARIABLE = re.compile(r"^Variable '\$(\w+)' ")
PATH = r" at '{name}((?:\.\w+|\[\d+\])+)'; "
INNER_FIELD = re.compile(r"; Field '(\w+)' (?:of required type|is not defined by type)")


def field_name(holder: str, fields: list[str]) -> str:
    """How errors name an input: the fields within an argument or variable without it, as the
    actions name them (``input.geoJson`` → ``geoJson``); the argument or variable when the value
    is the whole of it (``$level`` → ``level``)."""
    return ".".join(fields) if fields else holder


def variable_field(message: str) -> str | None:
    """The input field a variable-coercion error is about, named like a domain error's field:
    ``input.geoJson`` → ``geoJson``, ``$level`` → ``level``, ``input.items[0]`` → ``items.0``."""
    variable = VARIABLE.match(message)
    if variable is None:
        return None
    name = variable.group(1)
    segments = [name]
    at = re.search(PATH.format(name=re.escape(name)), message)
    if at is not None:
        segments += re.findall(r"\w+", at.group(1))
    inner = INNER_FIELD.search(message)
    if inner is not None:
        segments.append(inner.group(1))
    return field_name(name, segments[1:])


def request_error(message: str) -> dict[str, Any]:
    return {"message": message, "extensions": {"code": ErrorCode.BAD_REQUEST}}


def format_error(error: Exception) -> dict[str, Any]:
    if isinstance(error, HttpError):
        # graphene-django's refusals of the request itself (bad JSON, no query, GET mutation).
        return request_error(error.message)
    if isinstance(error, RecursionError):
        # Only reaches here un-located, from parsing or validating the request (a resolver's
        # RecursionError arrives wrapped in a GraphQLError and stays an internal error).
        return request_error("The request is nested too deeply")
    if not isinstance(error, GraphQLError):
        error = GraphQLError(str(error), original_error=error)
    original = error.original_error
    if original is not None:
        original = service_unavailable(original) or original
    formatted: dict[str, Any] = dict(error.formatted)
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
        # Parse and validation errors come coded from the view; variable-coercion errors are
        # told by their message.
        field = variable_field(error.message)
        if field is not None:
            extensions.setdefault("code", RequestErrorCode.BAD_USER_INPUT)
            extensions.setdefault("field", field)
        extensions.setdefault("code", ErrorCode.BAD_REQUEST)
    formatted["extensions"] = extensions
    metrics.graphql_error(str(extensions["code"]))
    return formatted
