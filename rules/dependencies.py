"""Builds the dependency graph of one campaign branch from its rules.

Nodes: every live state variable visible on the branch (the campaign's world's, the campaign's
and its entities'), field condition and effect, plus a virtual variable node
(``VARIABLE:<type>.<field>``, ``metadata.virtual`` true) for each entity field that rules read or
effects write — the shape the original's clients read. Edges: a condition or derived variable
READS what its expression names (``var.<key>`` resolves to the variables of the same scope, then
the campaign's, then the world's); an effect WRITES its target. Every edge's metadata names the
variable key or entity path it is about (``variableKey``).
"""

import time
import uuid
from collections import defaultdict
from typing import Any

from django.core.cache import cache

from campaign.models import Branch
from kernel import cache_stats, generations
from rules.expressions import reads, variable_keys
from rules.graph import DependencyGraph, Edge, Node
from rules.models import Effect, FieldCondition, StateVariable
from rules.models.variables import VariableType
from rules.patches import written_roots

ENTITY_NAMESPACES = {
    "settlement",
    "structure",
    "kingdom",
    "party",
    "character",
    "event",
    "encounter",
    "campaign",
}
GRAPH_TTL = 3600
OUTER_SCOPES = frozenset({"campaign", "world"})


def variable_node_id(variable: StateVariable) -> str:
    return f"VARIABLE:{variable.uid}"


def world_variables(world_id: uuid.UUID) -> list[StateVariable]:
    """A world's own active variables (they belong to no branch)."""
    return list(
        StateVariable.objects.filter(
            branch__isnull=True, scope="world", scope_uid=world_id, is_active=True
        ).order_by("key", "uid")
    )


def branch_variables(branch: Branch) -> list[StateVariable]:
    return list(
        StateVariable.objects.filter(branch=branch, is_active=True).order_by("key", "uid")
    ) + world_variables(branch.campaign.world_id)


class Visibility:
    """Which variable a ``var.<key>`` means for a rule about a given scope."""

    def __init__(self, variables: list[StateVariable], campaign_id: Any, world_id: Any) -> None:
        self.by_scope: dict[tuple[str, str], dict[str, StateVariable]] = defaultdict(dict)
        self.by_type: dict[str, dict[str, list[StateVariable]]] = defaultdict(
            lambda: defaultdict(list)
        )
        for variable in variables:
            self.by_scope[(variable.scope, str(variable.scope_uid))][variable.key] = variable
            self.by_type[variable.scope][variable.key].append(variable)
        self.fallbacks = [("campaign", str(campaign_id)), ("world", str(world_id))]

    def resolve(self, scope: str, scope_uid: Any, key: str) -> list[StateVariable]:
        """The variables ``key`` may mean; a type-wide rule (no uid) may mean any entity's.

        A campaign's or world's formula is evaluated inside every entity's context, where the
        entity's own variable of that key shadows the outer ones: it may mean any of them.
        """
        if scope in OUTER_SCOPES:
            entity_variables = [
                variable
                for entity_scope, keys in self.by_type.items()
                if entity_scope not in OUTER_SCOPES
                for variable in keys.get(key, [])
            ]
            outer = [self.by_scope[f].get(key) for f in self.fallbacks]
            return [*entity_variables, *(v for v in outer if v is not None)]
        if scope_uid is None:
            candidates = self.by_type[scope].get(key, [])
            if candidates:
                return candidates
        else:
            found = self.by_scope[(scope, str(scope_uid))].get(key)
            if found is not None:
                return [found]
        for fallback in self.fallbacks:
            found = self.by_scope[fallback].get(key)
            if found is not None:
                return [found]
        return []


def _entity_field_node(graph: DependencyGraph, path: str) -> str:
    """The virtual variable node of an entity field (``settlement.level``)."""
    node_id = f"VARIABLE:{path}"
    if node_id not in graph.nodes:
        entity_type, _, field = path.partition(".")
        metadata = {"key": path, "virtual": True, "entityType": entity_type, "field": field}
        graph.add_node(Node(node_id, "VARIABLE", path, path, metadata))
    return node_id


def _read_edges(
    graph: DependencyGraph,
    from_id: str,
    expression: Any,
    scope: str,
    scope_uid: Any,
    visibility: Visibility,
) -> None:
    for key in sorted(variable_keys(expression)):
        for variable in visibility.resolve(scope, scope_uid, key):
            graph.add_edge(Edge(from_id, variable_node_id(variable), "READS", {"variableKey": key}))
    for path in sorted(reads(expression)):
        namespace, _, rest = path.partition(".")
        if namespace in ENTITY_NAMESPACES and rest:
            field_path = f"{namespace}.{rest.split('.', 1)[0]}"
            node_id = _entity_field_node(graph, field_path)
            graph.add_edge(Edge(from_id, node_id, "READS", {"variableKey": field_path}))


def variable_graph(
    variables: list[StateVariable], campaign_id: uuid.UUID | None, world_id: uuid.UUID
) -> tuple[DependencyGraph, Visibility]:
    """The graph of ``variables`` (all that can see each other): a node for each, and the edges
    of what each derived formula reads; with the visibility that resolved the formulas' keys."""
    graph = DependencyGraph()
    visibility = Visibility(variables, campaign_id, world_id)
    for variable in variables:
        graph.add_node(
            Node(
                variable_node_id(variable),
                "VARIABLE",
                str(variable.uid),
                f"{variable.scope}:{variable.key}",
                {
                    "scope": variable.scope,
                    "scopeId": str(variable.scope_uid),
                    "key": variable.key,
                    "type": variable.type,
                },
            )
        )
    for variable in variables:
        if variable.type == VariableType.DERIVED:
            _read_edges(
                graph,
                variable_node_id(variable),
                variable.formula,
                variable.scope,
                variable.scope_uid,
                visibility,
            )
    return graph, visibility


def build(branch: Branch) -> DependencyGraph:
    variables = branch_variables(branch)
    graph, visibility = variable_graph(variables, branch.campaign_id, branch.campaign.world_id)
    for condition in FieldCondition.objects.filter(branch=branch, is_active=True):
        node_id = f"CONDITION:{condition.uid}"
        graph.add_node(
            Node(
                node_id,
                "CONDITION",
                str(condition.uid),
                f"{condition.target_type}.{condition.field}",
                {
                    "entityType": condition.target_type,
                    "field": condition.field,
                    "entityId": str(condition.target_uid) if condition.target_uid else None,
                },
            )
        )
        _read_edges(
            graph,
            node_id,
            condition.expression,
            condition.target_type,
            condition.target_uid,
            visibility,
        )
    by_uid = {str(v.uid): v for v in variables}
    for effect in Effect.objects.filter(branch=branch, is_active=True):
        node_id = f"EFFECT:{effect.uid}"
        graph.add_node(
            Node(
                node_id,
                "EFFECT",
                str(effect.uid),
                effect.name,
                {
                    "effectType": effect.effect_type,
                    "entityType": effect.source_type,
                    "entityId": str(effect.source_uid),
                    "timing": effect.timing,
                    "priority": effect.priority,
                    "targetType": effect.target_type,
                    "targetId": str(effect.target_uid) if effect.target_uid else None,
                },
            )
        )
        if effect.target_type == "state_variable":
            target = by_uid.get(str(effect.target_uid))
            if target is not None:
                metadata = {"variableKey": target.key}
                graph.add_edge(Edge(node_id, variable_node_id(target), "WRITES", metadata))
        else:
            for root in sorted(written_roots(effect.payload)):
                field_path = f"{effect.patched_type}.{root}"
                written = _entity_field_node(graph, field_path)
                graph.add_edge(Edge(node_id, written, "WRITES", {"variableKey": field_path}))
    return graph


def cached(branch: Branch) -> DependencyGraph:
    """The branch's graph, rebuilt only after a change bumped the branch's generation."""
    generation = generations.current(branch.campaign_id, branch.pk)
    key = f"rules-graph:{branch.campaign_id}:{branch.pk}:{generation}"
    graph = cache.get(key)
    if graph is None:
        began = time.perf_counter()
        graph = build(branch)
        cache.set(key, graph, GRAPH_TTL)
        cache_stats.count(
            cache_stats.RULES_GRAPH, misses=1, sets=1, compute_ms=cache_stats.elapsed_ms(began)
        )
    else:
        cache_stats.count(cache_stats.RULES_GRAPH, hits=1)
    return graph
