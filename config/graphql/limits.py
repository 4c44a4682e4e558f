"""Request limits (DESIGN §6): query depth and cost are checked before execution.

Cost is one per selected field (the original's budget of 1000), fragments counted where they are
spread; depth is the deepest chain of nested selections. Both reject with a message naming the
operation's figure and the limit.
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
            if not selection.name.value.startswith("__"):
                cost += 1 + inner_cost
                depth = max(depth, 1 + inner_depth)
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
