"""Text no column can store, refused where it enters the GraphQL API.

PostgreSQL's text and jsonb refuse NUL, and a lone UTF-16 surrogate (``"\\ud800"`` in JSON, which
``json.loads`` lets through) has no UTF-8 encoding: a filter holding either would fail in the
database as an internal error. So every string of a request is checked once, before execution:
the document's string literals by a validation rule, the variables by a walk over their values.

The error names the input field as variable-coercion errors do (``errors.variable_field``): an
argument by its name, the fields of an input object without the argument holding it, a JSON value
as a whole. A variable is named after the argument it is passed to, or else after itself.
"""

from collections.abc import Callable, Iterable, Mapping
from typing import Any

from graphql import (
    ArgumentNode,
    DocumentNode,
    FragmentDefinitionNode,
    GraphQLError,
    GraphQLInputObjectType,
    GraphQLInputType,
    GraphQLList,
    GraphQLNonNull,
    GraphQLSchema,
    GraphQLType,
    Node,
    ObjectFieldNode,
    OperationDefinitionNode,
    StringValueNode,
    TypeInfo,
    TypeInfoVisitor,
    ValidationContext,
    ValidationRule,
    VariableDefinitionNode,
    VariableNode,
    Visitor,
    get_named_type,
    is_input_object_type,
    type_from_ast,
    visit,
)

from api.graphql.errors import field_name
from campaign.actions.fields import UNSTORABLE, unstorable


def refusal(field: str, node: Node | None = None) -> GraphQLError:
    error = unstorable(field)
    return GraphQLError(
        error.message, node, extensions={"code": str(error.code), "field": error.field}
    )


def holds_unstorable_text(value: Any) -> bool:
    """Whether ``value`` is such a string, or a JSON value with one among its keys or strings."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, str):
            if UNSTORABLE.search(item):
                return True
        elif isinstance(item, dict):
            stack.extend(item)
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return False


class InputFieldPath:
    """Tracks, while visiting a document, which input field the current value is in."""

    def __init__(self, parent_input_type: Callable[[], GraphQLInputType | None]) -> None:
        self.parent_input_type = parent_input_type
        # An argument's or variable's name, then the input-object fields within it (None for
        # the keys of a JSON literal, which are not fields).
        self.path: list[str | None] = []

    def enter_argument(self, node: ArgumentNode, *_: Any) -> None:
        self.path.append(node.name.value)

    def enter_variable_definition(self, node: VariableDefinitionNode, *_: Any) -> None:
        self.path.append(node.variable.name.value)  # for its default value

    def enter_object_field(self, node: ObjectFieldNode, *_: Any) -> None:
        within = is_input_object_type(get_named_type(self.parent_input_type()))
        self.path.append(node.name.value if within else None)

    def leave_argument(self, *_: Any) -> None:
        self.path.pop()

    leave_variable_definition = leave_object_field = leave_argument

    def field(self, inner: Iterable[str] = ()) -> str:
        holder, *fields = self.path
        assert holder is not None  # the argument or variable
        return field_name(holder, [*(name for name in fields if name), *inner])


class StorableTextRule(ValidationRule, InputFieldPath):
    """Refuses string literals holding NUL: the parser already refuses lone surrogates."""

    def __init__(self, context: ValidationContext) -> None:
        ValidationRule.__init__(self, context)
        InputFieldPath.__init__(self, context.get_parent_input_type)

    def enter_string_value(self, node: StringValueNode, *_: Any) -> None:
        if UNSTORABLE.search(node.value):
            self.report_error(refusal(self.field(), node))


class VariableUse(Visitor, InputFieldPath):
    """Names ``inner`` (input fields within a variable's value) after the input field the
    variable is first passed to."""

    def __init__(self, type_info: TypeInfo, variable: str, inner: list[str]) -> None:
        Visitor.__init__(self)
        InputFieldPath.__init__(self, type_info.get_parent_input_type)
        self.variable = variable
        self.inner = inner
        self.found: str | None = None

    def enter_variable_definition(self, *_: Any) -> Any:
        return Visitor.SKIP  # the declaration, not a use

    def enter_variable(self, node: VariableNode, *_: Any) -> Any:
        if node.name.value != self.variable:
            return None
        self.found = self.field(self.inner)
        return Visitor.BREAK


def refused_variables(
    schema: GraphQLSchema,
    document: DocumentNode,
    operation: OperationDefinitionNode | None,
    variables: Mapping[str, Any] | None,
) -> list[GraphQLError]:
    """A refusal for each variable holding text no column can store."""
    if not variables:
        return []
    declared = {
        definition.variable.name.value: type_from_ast(schema, definition.type)
        for definition in (operation.variable_definitions if operation else ())
    }
    errors = []
    for name, value in variables.items():
        inner = unstorable_path(value, declared.get(name))
        if inner is not None:
            errors.append(refusal(field_of_variable(schema, document, operation, name, inner)))
    return errors


def unstorable_path(value: Any, type_: GraphQLType | None) -> list[str] | None:
    """The input fields, within ``value`` of type ``type_``, down to text no column can store."""
    stack: list[tuple[Any, GraphQLType | None, list[str]]] = [(value, type_, [])]
    while stack:
        item, item_type, path = stack.pop()
        nullable = item_type.of_type if isinstance(item_type, GraphQLNonNull) else item_type
        if isinstance(nullable, GraphQLList):
            items = item if isinstance(item, list) else [item]  # a lone item is a list of one
            stack.extend((child, nullable.of_type, path) for child in items)
        elif isinstance(nullable, GraphQLInputObjectType) and isinstance(item, dict):
            for key, child in item.items():
                field = nullable.fields.get(key)
                stack.append((child, field.type if field else None, [*path, key]))
        elif holds_unstorable_text(item):
            return path
    return None


def field_of_variable(
    schema: GraphQLSchema,
    document: DocumentNode,
    operation: OperationDefinitionNode | None,
    variable: str,
    inner: list[str],
) -> str:
    if operation is not None:
        fragments = (d for d in document.definitions if isinstance(d, FragmentDefinitionNode))
        for node in (operation, *fragments):
            type_info = TypeInfo(schema)
            use = VariableUse(type_info, variable, inner)
            visit(node, TypeInfoVisitor(type_info, use))
            if use.found is not None:
                return use.found
    return field_name(variable, inner)
