"""Dependency graph query resolvers (the root fields are in api/graphql/rules/schema.py)."""

from typing import Any

import graphene
from django.utils import timezone
from graphene import ResolveInfo

from api.graphql.rules.queries.lists import visible_branch
from rules import dependencies
from rules.graph import DependencyGraph

GRAPH_BRANCH = graphene.String(
    required=True,
    default_value="main",
    description='"main" (the campaign\'s main branch) or a branch id.',
)


def graph_of(info: ResolveInfo, campaign_id: str, branch_id: str) -> DependencyGraph:
    branch = visible_branch(info, campaign_id, None if branch_id == "main" else branch_id)
    return dependencies.cached(branch)


def graph_args(**extra: Any) -> dict[str, Any]:
    return {"campaign_id": graphene.ID(required=True), "branch_id": GRAPH_BRANCH, **extra}


def unique(nodes: list[Any]) -> list[Any]:
    return list({node.id: node for node in nodes}.values())


def resolve_get_dependency_graph(
    root: None, info: ResolveInfo, campaign_id: str, branch_id: str = "main"
) -> dict[str, Any]:
    graph = graph_of(info, campaign_id, branch_id)
    nodes = list(graph.nodes.values())
    edges = graph.edges

    def count(kind: str) -> int:
        return sum(1 for node in nodes if node.type == kind)

    entity_fields = sum(1 for node in nodes if node.metadata.get("virtual"))

    return {
        "campaign_id": str(campaign_id),
        "branch_id": branch_id,
        "nodes": nodes,
        "edges": edges,
        "stats": {
            "node_count": len(nodes),
            "edge_count": len(edges),
            "variable_count": count("VARIABLE"),
            "condition_count": count("CONDITION"),
            "effect_count": count("EFFECT"),
            "entity_count": entity_fields,
        },
        "built_at": timezone.now(),
    }


def resolve_get_node_dependencies(
    root: None, info: ResolveInfo, campaign_id: str, node_id: str, branch_id: str = "main"
) -> Any:
    return unique(graph_of(info, campaign_id, branch_id).dependencies(node_id))


def resolve_get_node_dependents(
    root: None, info: ResolveInfo, campaign_id: str, node_id: str, branch_id: str = "main"
) -> Any:
    return unique(graph_of(info, campaign_id, branch_id).dependents(node_id))


def resolve_validate_dependency_graph(
    root: None, info: ResolveInfo, campaign_id: str, branch_id: str = "main"
) -> dict[str, Any]:
    cycles = graph_of(info, campaign_id, branch_id).find_cycles()
    return {"has_cycles": bool(cycles), "cycle_count": len(cycles), "cycles": cycles}


def resolve_get_evaluation_order(
    root: None, info: ResolveInfo, campaign_id: str, branch_id: str = "main"
) -> list[str]:
    order, unsortable = graph_of(info, campaign_id, branch_id).evaluation_order()
    return [] if unsortable else order
