"""Request limits: query depth and cost are checked before execution.

Cost is one per selected field (the original's budget of 1000), fragments counted where they are
spread; depth is the deepest chain of nested selections. Both reject with a message naming the
operation's figure and the limit. Introspection counts toward the cost, and its nesting of lists
is limited on its own. Every limit of the API: docs/graphql-contract.md#limits.
"""

from typing import Any

from graphql import (
    ASTValidationRule,
    FieldNode,
    FragmentDefinitionNode,
    FragmentSpreadNode,
    GraphQLError,
    InlineFragmentNode,
    OperationDefinitionNode,
    SelectionSetNode,
    ValidationContext,
)

MAX_DEPTH = 12
MAX_COST = 1000
MAX_BODY_BYTES = 1024 * 1024
MAX_LIST_SIZE = 500


def measure(
    selection_set: SelectionSetNode | None,
    fragments: dict[str, FragmentDefinitionNode],
    visiting: frozenset[str] = frozenset(),
) -> tuple[int, int]:
    """(depth, cost) of a selection set; a fragment that spreads itself counts once."""
    if selection_set is None:
        return 0, 0
    depth = cost = 0
    for selection in selection_set.selections:
        if isinstance(selection, FieldNode):
            inner_depth, inner_cost = measure(selection.selection_set, fragments, visiting)
            name = selection.name.value
            if not name.startswith("__"):
                cost += 1 + inner_cost
                depth = max(depth, 1 + inner_depth)
            elif name != "__typename":
                # Introspection (__schema, __type) costs like any selection; its depth is left to
                # the nesting check below, since GraphiQL's own schema query is 15 levels deep.
                cost += 1 + inner_cost
        elif isinstance(selection, InlineFragmentNode):
            inner_depth, inner_cost = measure(selection.selection_set, fragments, visiting)
            cost += inner_cost
            depth = max(depth, inner_depth)
        elif isinstance(selection, FragmentSpreadNode):
            name = selection.name.value
            fragment = fragments.get(name)
            if fragment is None or name in visiting:
                continue
            inner_depth, inner_cost = measure(fragment.selection_set, fragments, visiting | {name})
            cost += inner_cost
            depth = max(depth, inner_depth)
    return depth, cost


INTROSPECTION_LISTS = frozenset({"fields", "inputFields", "interfaces", "possibleTypes"})
MAX_INTROSPECTION_LISTS = 3


def introspection_lists(
    selection_set: SelectionSetNode | None,
    fragments: dict[str, FragmentDefinitionNode],
    visiting: frozenset[str] = frozenset(),
) -> int:
    """The most list-valued introspection fields nested in one path (``types { fields { type {
    fields …``): each level multiplies the answer, so this grows it exponentially."""
    deepest = 0
    for selection in selection_set.selections if selection_set else ():
        if isinstance(selection, FieldNode):
            inner = introspection_lists(selection.selection_set, fragments, visiting)
            deepest = max(deepest, inner + (selection.name.value in INTROSPECTION_LISTS))
        elif isinstance(selection, InlineFragmentNode):
            deepest = max(
                deepest, introspection_lists(selection.selection_set, fragments, visiting)
            )
        elif isinstance(selection, FragmentSpreadNode):
            name = selection.name.value
            fragment = fragments.get(name)
            if fragment is not None and name not in visiting:
                inner = introspection_lists(fragment.selection_set, fragments, visiting | {name})
                deepest = max(deepest, inner)
    return deepest


class QueryLimitsRule(ASTValidationRule):
    def __init__(self, context: ValidationContext) -> None:
        super().__init__(context)
        self.fragments = {
            d.name.value: d
            for d in context.document.definitions
            if isinstance(d, FragmentDefinitionNode)
        }

    def enter_operation_definition(self, node: OperationDefinitionNode, *_: Any) -> None:
        depth, cost = measure(node.selection_set, self.fragments)
        name = node.name.value if node.name else "the operation"
        if depth > MAX_DEPTH:
            self.report_error(
                GraphQLError(
                    f"Query depth {depth} of {name} exceeds the limit of {MAX_DEPTH}", node
                )
            )
        if cost > MAX_COST:
            self.report_error(
                GraphQLError(f"Query cost {cost} of {name} exceeds the limit of {MAX_COST}", node)
            )

    def enter_field(self, node: FieldNode, *_: Any) -> None:
        # As graphql-js' MaxIntrospectionDepthRule: three nested lists in an introspection query
        # are refused (the standard one nests one).
        if node.name.value in {"__schema", "__type"}:
            nesting = introspection_lists(node.selection_set, self.fragments)
            if nesting >= MAX_INTROSPECTION_LISTS:
                self.report_error(
                    GraphQLError(
                        f"Introspection nests {nesting} lists, the limit is"
                        f" {MAX_INTROSPECTION_LISTS - 1}",
                        node,
                    )
                )
