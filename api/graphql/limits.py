"""Request limits (DESIGN §6): a document is measured before graphql-core validates it.

Validation is not linear in the document (``OverlappingFieldsCanBeMergedRule`` compares the fields
of a selection set pairwise), so a document is first bounded by what is cheap to measure, cheapest
first: its length; its tokens, counted while it is parsed; the numbers it holds; how many fragments
it defines; then, in one pass that measures each fragment once however often it is spread, the
fields it selects, each operation's depth and cost, and how deeply introspection nests its lists;
last, how often one response name is selected in one selection set. Only a document within every
limit reaches the validation rules, whose work these limits bound.

Cost is one per selected field other than ``__typename`` (the original's budget of 1000), fragments
counted where they are spread; depth is the deepest chain of nested selections. Every refusal
names the document's figure and the limit.
"""

import math
from collections import Counter
from typing import Any, NamedTuple

from graphql import (
    ArgumentNode,
    DocumentNode,
    FieldNode,
    FloatValueNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    IntValueNode,
    Node,
    ObjectFieldNode,
    OperationDefinitionNode,
    SelectionSetNode,
    TokenKind,
    VariableDefinitionNode,
    Visitor,
    parse,
    visit,
)

MAX_DEPTH = 12
MAX_COST = 1000
MAX_BODY_BYTES = 1024 * 1024
# Rows a list query returns at most: the README's promise, for every list the API defines.
MAX_LIST_SIZE = 500
# Features in one map layer: a viewport of a dense map holds thousands; beyond, zoom in.
MAX_MAP_FEATURES = 5000
# The lists the original contract pages (the audit histories' `limit`, the rules lists' `take`)
# keep its smaller page, which its clients expect: a larger request returns this many rows. The
# rules lists of one entity (its conditions, effects, variables) are cut at the same size.
MAX_PAGE_SIZE = 100
DEFAULT_AUDIT_PAGE = 50
MAX_SKIP = 100_000
MAX_QUERY_CHARS = 64 * 1024
MAX_TOKENS = 3000
MAX_FRAGMENTS = 50
# Counting every definition with the fragments it spreads expanded (__typename included).
MAX_FIELDS = 2500
# Times one response name may be selected in one selection set, fragments merged in: the fields
# sharing a name are what the overlapping-fields rule compares pairwise.
MAX_REPEATS = 10
INTROSPECTION_LISTS = frozenset({"fields", "inputFields", "interfaces", "possibleTypes"})
# As graphql-js' MaxIntrospectionDepthRule: three nested lists in an introspection query are
# refused (the standard one nests one); each multiplies the answer by the size of the schema.
MAX_INTROSPECTION_LISTS = 3


def finite(number: str) -> bool:
    """Whether a number token (GraphQL or JSON) is a finite double: ``1e400`` is not, nor an
    integer of more than 308 digits (``int()`` of one of 4,300 digits even raises)."""
    return math.isfinite(float(number))


def out_of_range(where: str, number: str) -> str:
    shown = number if len(number) <= 24 else f"{number[:20]}… ({len(number)} characters)"
    return f"{where} holds {shown}: numbers must be finite (within ±1.8e308)"


def parse_within_limits(query: str) -> DocumentNode:
    """The parsed document; a GraphQLError naming the limit when it is too long or has too many
    tokens (the parser stops counting there)."""
    if len(query) > MAX_QUERY_CHARS:
        raise GraphQLError(
            f"The query is {len(query)} characters long; the limit is {MAX_QUERY_CHARS}"
        )
    return parse(query, max_tokens=MAX_TOKENS)


class Size(NamedTuple):
    fields: int = 0  # every field, __typename included
    cost: int = 0  # every field but __typename
    depth: int = 0  # the deepest chain of fields, introspection's left out
    lists: int = 0  # introspection list fields nested in one path


class Sizes:
    """Sizes of selection sets, each fragment measured once and then added wherever it is spread
    (a chain of fragments each spreading the next twice is 2ⁿ fields by arithmetic). A fragment
    spread within itself counts nothing there: validation refuses the cycle."""

    def __init__(self, fragments: dict[str, FragmentDefinitionNode]) -> None:
        self.fragments = fragments
        self.measured: dict[str, Size] = {}
        self.measuring: set[str] = set()
        self.errors: list[GraphQLError] = []

    def fragment(self, name: str) -> Size:
        if name in self.measured:
            return self.measured[name]
        definition = self.fragments.get(name)
        if definition is None or name in self.measuring:
            return Size()
        self.measuring.add(name)
        size = self.measured[name] = self.selection_set(definition.selection_set)
        self.measuring.discard(name)
        return size

    def selection_set(self, selection_set: SelectionSetNode | None) -> Size:
        fields = cost = depth = lists = 0
        for selection in selection_set.selections if selection_set else ():
            if isinstance(selection, FieldNode):
                size = self.field(selection)
            elif isinstance(selection, InlineFragmentNode):
                size = self.selection_set(selection.selection_set)
            elif isinstance(selection, FragmentSpreadNode):
                size = self.fragment(selection.name.value)
            else:
                continue
            fields += size.fields
            cost += size.cost
            depth = max(depth, size.depth)
            lists = max(lists, size.lists)
        return Size(fields, cost, depth, lists)

    def field(self, node: FieldNode) -> Size:
        inner = self.selection_set(node.selection_set)
        name = node.name.value
        if name == "__typename":
            return Size(fields=1)
        if name in {"__schema", "__type"}:
            if inner.lists >= MAX_INTROSPECTION_LISTS:
                self.errors.append(
                    GraphQLError(
                        f"Introspection nests {inner.lists} lists, the limit is"
                        f" {MAX_INTROSPECTION_LISTS - 1}",
                        node,
                    )
                )
            # Its depth is left to the nesting check: GraphiQL's schema query is 15 levels deep.
            return Size(1 + inner.fields, 1 + inner.cost, 0, inner.lists)
        return Size(
            1 + inner.fields,
            1 + inner.cost,
            1 + inner.depth,
            inner.lists + (name in INTROSPECTION_LISTS),
        )


class TooRepeated(Exception):
    def __init__(self, name: str, times: int, node: Node) -> None:
        super().__init__(name)
        self.error = GraphQLError(
            f"The query selects '{name}' {times} times in one selection set; the limit is"
            f" {MAX_REPEATS}",
            node,
        )


class ResponseNames:
    """Checks every selection set for a response name selected more than MAX_REPEATS times,
    counting the fields of inline fragments and of the fragments it spreads (each fragment's names
    counted once and merged wherever it is spread, as the overlapping-fields rule compares them).
    Run only on a document within MAX_FIELDS: merging a fragment's names costs at most the fields
    it adds where it is spread."""

    def __init__(self, fragments: dict[str, FragmentDefinitionNode]) -> None:
        self.fragments = fragments
        self.counted: dict[str, Counter[str]] = {}
        self.counting: set[str] = set()

    def fragment(self, name: str) -> Counter[str]:
        if name in self.counted:
            return self.counted[name]
        definition = self.fragments.get(name)
        if definition is None or name in self.counting:
            return Counter()
        self.counting.add(name)
        names = self.counted[name] = self.selection_set(definition.selection_set)
        self.counting.discard(name)
        return names

    def selection_set(self, selection_set: SelectionSetNode) -> Counter[str]:
        """The response names selected at this level, after checking every set within it."""
        names: Counter[str] = Counter()
        spread: dict[str, None] = {}  # a fragment spread twice in one set is merged once
        self.collect(selection_set, names, spread)
        for fragment in spread:
            names.update(self.fragment(fragment))
        if names:
            name, times = names.most_common(1)[0]
            if times > MAX_REPEATS:
                raise TooRepeated(name, times, selection_set)
        return names

    def collect(
        self, selection_set: SelectionSetNode, names: Counter[str], spread: dict[str, None]
    ) -> None:
        for selection in selection_set.selections:
            if isinstance(selection, FieldNode):
                names[(selection.alias or selection.name).value] += 1
                if selection.selection_set is not None:
                    self.selection_set(selection.selection_set)
            elif isinstance(selection, InlineFragmentNode):
                self.collect(selection.selection_set, names, spread)
            elif isinstance(selection, FragmentSpreadNode):
                spread[selection.name.value] = None


def limit_errors(document: DocumentNode) -> list[GraphQLError]:
    """The limits ``document`` exceeds, each check in time linear in its length; none if it may
    be validated. A later check runs only when the earlier ones pass (and relies on them)."""
    fragments = {
        d.name.value: d for d in document.definitions if isinstance(d, FragmentDefinitionNode)
    }
    return (
        out_of_range_numbers(document)
        or too_many_fragments(fragments)
        or size_errors(document, fragments)
        or repeated_names(document, fragments)
    )


def too_many_fragments(fragments: dict[str, FragmentDefinitionNode]) -> list[GraphQLError]:
    if len(fragments) <= MAX_FRAGMENTS:
        return []
    message = f"The document defines {len(fragments)} fragments; the limit is {MAX_FRAGMENTS}"
    return [GraphQLError(message)]


def size_errors(
    document: DocumentNode, fragments: dict[str, FragmentDefinitionNode]
) -> list[GraphQLError]:
    sizes = Sizes(fragments)
    fields = sum(sizes.fragment(name).fields for name in fragments)
    errors = sizes.errors
    for operation in document.definitions:
        if not isinstance(operation, OperationDefinitionNode):
            continue
        size = sizes.selection_set(operation.selection_set)
        fields += size.fields
        name = operation.name.value if operation.name else "the operation"
        if size.depth > MAX_DEPTH:
            message = f"Query depth {size.depth} of {name} exceeds the limit of {MAX_DEPTH}"
            errors.append(GraphQLError(message, operation))
        if size.cost > MAX_COST:
            message = f"Query cost {size.cost} of {name} exceeds the limit of {MAX_COST}"
            errors.append(GraphQLError(message, operation))
    if fields > MAX_FIELDS:
        errors.append(
            GraphQLError(
                f"The document selects {fields} fields (each fragment counted where it is defined"
                f" and wherever it is spread, __typename included); the limit is {MAX_FIELDS}"
            )
        )
    return errors


def repeated_names(
    document: DocumentNode, fragments: dict[str, FragmentDefinitionNode]
) -> list[GraphQLError]:
    names = ResponseNames(fragments)
    try:
        for definition in document.definitions:
            if isinstance(definition, OperationDefinitionNode | FragmentDefinitionNode):
                names.selection_set(definition.selection_set)
    except TooRepeated as exc:
        return [exc.error]
    return []


def out_of_range_numbers(document: DocumentNode) -> list[GraphQLError]:
    """A refusal for each number literal that is not a finite double, naming the argument or
    input field holding it: graphql-core would make ``1e400`` an infinite Float, and fail on an
    Int of 4,300 digits with a ValueError."""
    token = document.loc.start_token if document.loc else None
    while token is not None:
        if token.kind in (TokenKind.INT, TokenKind.FLOAT) and not finite(token.value or ""):
            break
        token = token.next
    else:
        return []  # the common case: nothing to name
    holders = NumberHolders()
    visit(document, holders)
    return holders.errors


class NumberHolders(Visitor):
    def __init__(self) -> None:
        super().__init__()
        self.errors: list[GraphQLError] = []

    def enter_int_value(
        self,
        node: IntValueNode | FloatValueNode,
        _key: Any,
        parent: Any,
        _path: Any,
        ancestors: Any,
    ) -> None:
        if not finite(node.value):
            where = holder([*ancestors, parent])
            self.errors.append(
                GraphQLError(out_of_range(where, node.value), node, extensions={"field": where})
            )

    enter_float_value = enter_int_value


def holder(ancestors: list[Any]) -> str:
    """The input fields holding a value (``expectedVersion``, ``where.level``), or the argument
    or variable when it is given whole, as variable-coercion errors name them."""
    argument = ""
    fields: list[str] = []
    for node in ancestors:
        if isinstance(node, ArgumentNode):
            argument = node.name.value
        elif isinstance(node, VariableDefinitionNode):
            argument = node.variable.name.value
        elif isinstance(node, ObjectFieldNode):
            fields.append(node.name.value)
    return ".".join(fields) or argument
