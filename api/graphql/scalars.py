"""Scalars of the contract. Dates go out as ISO-8601 UTC with milliseconds and ``Z``."""

import datetime
from typing import Any

import graphene
from graphql import GraphQLError
from graphql.language import ast

from campaign.geometry import clean_geometry
from kernel.dates import BadInstant, OutOfRange, parse_instant
from kernel.errors import ValidationError
from kernel.snapshots import iso


def parse_datetime(value: Any) -> datetime.datetime:
    if not isinstance(value, str):
        raise GraphQLError(f"Expected an ISO-8601 date-time string, got {value!r}")
    try:
        return parse_instant(value)
    except OutOfRange as exc:
        raise GraphQLError(f"Date-time out of range: {value!r} {exc}") from exc
    except BadInstant as exc:
        raise GraphQLError(f"Invalid ISO-8601 date-time: {value!r}") from exc


def serialize_datetime(value: Any) -> str | None:
    if isinstance(value, str):
        return value
    if isinstance(value, datetime.datetime):
        return iso(value)
    raise GraphQLError(f"Cannot serialize {value!r} as a date-time")


class DateTime(graphene.Scalar):
    """An instant, as ISO-8601 UTC with milliseconds: ``2026-01-31T12:00:00.000Z``."""

    serialize = staticmethod(serialize_datetime)
    parse_value = staticmethod(parse_datetime)

    @staticmethod
    def parse_literal(node: ast.ValueNode, _variables: Any = None) -> datetime.datetime:
        if isinstance(node, ast.StringValueNode):
            return parse_datetime(node.value)
        raise GraphQLError("Expected an ISO-8601 date-time string")


class Date(DateTime):
    """The ``asOf`` instant of time-travel queries (an ISO-8601 date-time string)."""


def _literal(node: ast.ValueNode, variables: Any = None) -> Any:
    if isinstance(node, ast.ObjectValueNode):
        return {f.name.value: _literal(f.value, variables) for f in node.fields}
    if isinstance(node, ast.ListValueNode):
        return [_literal(v, variables) for v in node.values]
    if isinstance(node, ast.IntValueNode):
        return int(node.value)
    if isinstance(node, ast.FloatValueNode):
        return float(node.value)
    if isinstance(node, ast.StringValueNode | ast.EnumValueNode):
        return node.value
    if isinstance(node, ast.BooleanValueNode):
        return node.value
    if isinstance(node, ast.VariableNode):
        return (variables or {}).get(node.name.value)
    return None


class JSON(graphene.Scalar):
    """Any JSON value."""

    serialize = staticmethod(lambda value: value)
    parse_value = staticmethod(lambda value: value)
    parse_literal = staticmethod(_literal)


def _geometry(value: Any) -> dict[str, Any]:
    try:
        return clean_geometry(value)[0]
    except ValidationError as exc:
        raise GraphQLError(f"Invalid GeoJSON: {exc.message}") from exc


class GeoJSON(graphene.Scalar):
    """A GeoJSON geometry (or Feature) on planar map coordinates, validated on input."""

    serialize = staticmethod(lambda value: value)
    parse_value = staticmethod(_geometry)

    @staticmethod
    def parse_literal(node: ast.ValueNode, variables: Any = None) -> dict[str, Any]:
        return _geometry(_literal(node, variables))


class Upload(graphene.Scalar):
    """A file upload's name (multipart uploads are not accepted by this API)."""

    serialize = staticmethod(lambda value: value)
    parse_value = staticmethod(lambda value: value)
    parse_literal = staticmethod(_literal)
