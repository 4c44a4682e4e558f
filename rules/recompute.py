"""After a rule changes, recompute what depends on it — and only that.

A change to a state variable, field condition or effect is a node of the branch's dependency
graph; everything that depends on it, directly or not, is found by walking the graph's edges
backwards, and the computed fields of the entities those conditions apply to are evaluated (in
the graph's topological order) and cached, so the next read is warm. Nothing else is touched.
"""

from collections import defaultdict
from dataclasses import dataclass
from typing import Any

from campaign.models import Branch, Character, Kingdom, Party, Settlement, Structure
from rules import computed_fields, dependencies

MODELS: dict[str, Any] = {
    "settlement": Settlement,
    "structure": Structure,
    "kingdom": Kingdom,
    "party": Party,
    "character": Character,
}
BATCH = 500


@dataclass(frozen=True)
class Recomputed:
    nodes: list[str]  # the affected nodes, dependencies first
    entities: int


def recompute_dependents(branch: Branch, changed: set[str]) -> Recomputed:
    graph = dependencies.build(branch)
    affected = graph.affected_by(changed & set(graph.nodes))
    order, unsortable = graph.evaluation_order()
    nodes = [node_id for node_id in [*order, *unsortable] if node_id in affected]
    targets: dict[str, set[Any]] = defaultdict(set)
    type_wide: set[str] = set()
    for node_id in nodes:
        node = graph.nodes[node_id]
        if node.type != "CONDITION":
            continue
        entity_type, entity_id = node.metadata["entityType"], node.metadata["entityId"]
        if entity_type not in MODELS:
            continue
        if entity_id is None:
            type_wide.add(entity_type)
        else:
            targets[entity_type].add(entity_id)
    evaluated = 0
    for entity_type, model in MODELS.items():
        rows = model.objects.filter(branch=branch).select_related("branch__campaign")
        if entity_type not in type_wide:
            if not targets[entity_type]:
                continue
            rows = rows.filter(uid__in=targets[entity_type])
        batch = list(rows)
        for start in range(0, len(batch), BATCH):
            evaluated += len(computed_fields.for_entities(batch[start : start + BATCH]))
    return Recomputed(nodes, evaluated)
