"""Builds a one-field operation for any root field of our schema from its argument values."""

import json
from typing import Any, cast

from graphene.utils.str_converters import to_camel_case
from graphql import GraphQLObjectType, get_named_type, is_leaf_type

from api.graphql.schema import MUTATIONS, QUERIES
from config.schema import schema

GRAPHQL_SCHEMA = schema.graphql_schema


# Parts of the campaign app's root types that other suites own (a part not named here is ours).
AUTH = "sign-in and API keys: tests/campaign/test_auth_*.py"
RULES = "conditions, state variables, effects, dependency graph: tests/rules"
WORLD_TIME = "world time, calendar dates, recurring effects: tests/scheduler"
OWNED_ELSEWHERE = {
    "AuthQueries": AUTH,
    "AuthMutations": AUTH,
    "FieldConditionQueries": RULES,
    "StateVariableQueries": RULES,
    "EffectQueries": RULES,
    "DependencyGraphQueries": RULES,
    "RulesMutations": RULES,
    "WorldTimeQueries": WORLD_TIME,
    "WorldTimeMutations": WORLD_TIME,
}


def campaign_domain_fields(root: str) -> set[str]:
    """The root fields of the core campaign domain that this suite covers: every part the
    campaign app contributes, except those another suite owns."""
    parts = QUERIES if root == "Query" else MUTATIONS
    domain = [part for part in parts if part.__name__ not in OWNED_ELSEWHERE]
    return {to_camel_case(name) for part in domain for name in cast(Any, part)._meta.fields}


def root_of(field: str) -> str:
    query = GRAPHQL_SCHEMA.query_type
    assert query is not None
    return "Query" if field in query.fields else "Mutation"


def selection(type_: Any) -> str:
    """The smallest selection that proves an object came back: its id, else its first leaf."""
    named = get_named_type(type_)
    if is_leaf_type(named):
        return ""
    assert isinstance(named, GraphQLObjectType)
    if "id" in named.fields:
        return "{ id }"
    for name, field in named.fields.items():
        if is_leaf_type(get_named_type(field.type)):
            return f"{{ {name} }}"
    name, field = next(iter(named.fields.items()))
    return f"{{ {name} {selection(field.type)} }}"


def operation(field: str, args: dict[str, Any], select: str | None = None) -> str:
    """``query|mutation($a: T, …) { field(a: $a, …) <selection> }`` with the schema's types."""
    root = root_of(field)
    root_type = GRAPHQL_SCHEMA.get_type(root)
    assert isinstance(root_type, GraphQLObjectType)
    definition = root_type.fields[field]
    unknown = set(args) - set(definition.args)
    assert not unknown, f"{field} has no arguments {unknown}"
    variables = ", ".join(f"${name}: {definition.args[name].type}" for name in args)
    call = ", ".join(f"{name}: ${name}" for name in args)
    head = f"{root.lower()}({variables})" if args else root.lower()
    body = f"{field}({call})" if args else field
    return f"{head} {{ {body} {selection(definition.type) if select is None else select} }}"


def literal(value: Any) -> str:
    """A GraphQL literal of a JSON value (for documents that inline their arguments)."""
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {literal(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(literal(v) for v in value) + "]"
    return json.dumps(value)
