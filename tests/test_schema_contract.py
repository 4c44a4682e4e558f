"""Our GraphQL schema extends the original contract compatibly (docs/graphql-contract.md).

Every root field, type field, argument and input field of the original contract (vendored as
``tests/fixtures/original-schema.graphql``) that we implement keeps its name and a compatible
type; the deliberate fixes of the contract are listed here with their reason. Every root field
of the contract is implemented.
"""

from pathlib import Path
from typing import Any

from django.core.management import call_command
from graphql import (
    GraphQLField,
    GraphQLInputObjectType,
    GraphQLNamedType,
    GraphQLNonNull,
    GraphQLObjectType,
    GraphQLSchema,
    build_schema,
    get_named_type,
    is_list_type,
    is_non_null_type,
)

from config.schema import schema

REPO = Path(__file__).resolve().parents[1]
ORIGINAL = REPO / "tests" / "fixtures" / "original-schema.graphql"

# Deliberate fixes of the contract, each with its reason.
OUTPUT_FIXES = {
    # The original typed every entity name as DateTime!: a bug.
    **{
        (t, "name"): "String!"
        for t in (
            "World",
            "Campaign",
            "Kingdom",
            "Settlement",
            "Structure",
            "Party",
            "Character",
            "Event",
            "Encounter",
        )
    },
    # The same bug on a location's type ("point" or "region"), read as a date.
    ("LocationWithDistance", "type"): "String!",
    # The single-page app selects these as leaves.
    ("Settlement", "variableSchemas"): "JSON!",
    ("Structure", "variableSchemas"): "JSON!",
    # Worlds and locations are not branch-scoped, so their versions have no branch.
    ("Version", "branchId"): "ID",
    # A deletion's version is a tombstone without a snapshot.
    ("Version", "payload"): "JSON",
    # A failed evaluation has no value, and an operator may yield null: the original's non-null
    # JSON made every such response an error.
    ("EvaluationResult", "value"): "JSON",
    ("EvaluationTrace", "input"): "JSON",
    ("EvaluationTrace", "output"): "JSON",
    ("VariableEvaluationResult", "value"): "JSON",
    # Redis' memory passes 2 GiB, which an Int (32 bits) cannot hold.
    **{
        ("RedisMemoryInfo", name): "Float!"
        for name in ("usedMemory", "usedMemoryPeak", "usedMemoryDataset", "usedMemoryLua")
    },
}
ARGUMENT_FIXES = {
    # The single-page app passes `$asOf: Date!`.
    ("Query", "settlementAsOf", "asOf"): "Date!",
    ("Query", "structureAsOf", "asOf"): "Date!",
}


def original() -> GraphQLSchema:
    assert ORIGINAL.exists(), f"The contract is missing: {ORIGINAL}"
    return build_schema(ORIGINAL.read_text())


def ours() -> GraphQLSchema:
    return schema.graphql_schema


def compatible_output(old: Any, new: Any) -> bool:
    """A new output type is compatible when it is the same type or a non-null of it."""
    if is_non_null_type(old):
        return is_non_null_type(new) and compatible_output(old.of_type, new.of_type)
    if is_non_null_type(new):
        new = new.of_type
    if is_list_type(old):
        return is_list_type(new) and compatible_output(old.of_type, new.of_type)
    return get_named_type(old).name == get_named_type(new).name


def compatible_input(old: Any, new: Any) -> bool:
    """A new input type is compatible when it accepts everything the old one accepted."""
    if is_non_null_type(new):
        return is_non_null_type(old) and compatible_input(old.of_type, new.of_type)
    if is_non_null_type(old):
        old = old.of_type
    if is_list_type(old):
        return is_list_type(new) and compatible_input(old.of_type, new.of_type)
    return get_named_type(old).name == get_named_type(new).name


def field_problems(type_name: str, name: str, old: GraphQLField, new: GraphQLField) -> list[str]:
    problems = []
    wanted = OUTPUT_FIXES.get((type_name, name))
    if wanted is not None:
        if str(new.type) != wanted:
            problems.append(f"{type_name}.{name} should be {wanted}, is {new.type}")
    elif not compatible_output(old.type, new.type):
        problems.append(f"{type_name}.{name}: {old.type} became {new.type}")
    for arg_name, old_arg in old.args.items():
        new_arg = new.args.get(arg_name)
        if new_arg is None:
            problems.append(f"{type_name}.{name}({arg_name}) is missing")
            continue
        fixed = ARGUMENT_FIXES.get((type_name, name, arg_name))
        if fixed is not None:
            if str(new_arg.type) != fixed:
                problems.append(f"{type_name}.{name}({arg_name}) should be {fixed}")
        elif not compatible_input(old_arg.type, new_arg.type):
            problems.append(f"{type_name}.{name}({arg_name}): {old_arg.type} -> {new_arg.type}")
    for arg_name, new_arg in new.args.items():
        if arg_name not in old.args and isinstance(new_arg.type, GraphQLNonNull):
            problems.append(f"{type_name}.{name}({arg_name}) is a new required argument")
    return problems


def test_every_root_field_of_the_contract_is_implemented() -> None:
    for root in ("Query", "Mutation"):
        old_root = original().get_type(root)
        new_root = ours().get_type(root)
        assert isinstance(old_root, GraphQLObjectType)
        assert isinstance(new_root, GraphQLObjectType)
        missing = set(old_root.fields) - set(new_root.fields)
        assert not missing, f"{root} fields missing: {sorted(missing)}"


def test_implemented_fields_and_arguments_are_compatible() -> None:
    problems: list[str] = []
    old_schema, new_schema = original(), ours()
    for type_name, old_type in old_schema.type_map.items():
        if type_name.startswith("__") or not isinstance(old_type, GraphQLObjectType):
            continue
        new_type = new_schema.get_type(type_name)
        if new_type is None:
            continue
        assert isinstance(new_type, GraphQLObjectType), type_name
        for name, old_field in old_type.fields.items():
            new_field = new_type.fields.get(name)
            if new_field is None:
                problems.append(f"{type_name}.{name} is missing")
                continue
            problems += field_problems(type_name, name, old_field, new_field)
    assert not problems, "\n".join(problems)


def test_input_types_accept_what_the_contract_accepted() -> None:
    problems: list[str] = []
    new_schema = ours()
    for type_name, old_type in original().type_map.items():
        if not isinstance(old_type, GraphQLInputObjectType):
            continue
        new_type: GraphQLNamedType | None = new_schema.get_type(type_name)
        if new_type is None:
            continue
        assert isinstance(new_type, GraphQLInputObjectType), type_name
        for name, old_field in old_type.fields.items():
            new_field = new_type.fields.get(name)
            if new_field is None:
                problems.append(f"{type_name}.{name} is missing")
            elif not compatible_input(old_field.type, new_field.type):
                problems.append(f"{type_name}.{name}: {old_field.type} -> {new_field.type}")
        for name, new_field in new_type.fields.items():
            required = is_non_null_type(new_field.type) and new_field.default_value is None
            if name not in old_type.fields and required:
                problems.append(f"{type_name}.{name} is a new required input field")
    assert not problems, "\n".join(problems)


def test_committed_schema_file_is_current(tmp_path: Path) -> None:
    printed = tmp_path / "schema.graphql"
    call_command("graphql_schema", schema="config.schema.schema", out=str(printed), stdout=None)

    committed = REPO / "schema.graphql"
    assert committed.exists(), "schema.graphql is missing: run `make schema`"
    assert committed.read_text() == printed.read_text(), (
        "schema.graphql is stale: run `make schema` and commit it"
    )
