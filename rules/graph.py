"""The dependency graph of a campaign branch's rules: pure data and algorithms.

An edge ``a → b`` means "a depends on b" (a READS b, or a WRITES b). Evaluation order therefore
lists dependencies first. Node ids are ``<TYPE>:<id>`` (``VARIABLE:…``, ``CONDITION:…``,
``EFFECT:…``, and ``VARIABLE:settlement.level`` for an entity field).
"""

from collections import defaultdict, deque
from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Node:
    id: str
    type: str
    entity_id: str
    label: str = ""
    metadata: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)


@dataclass(frozen=True)
class Edge:
    from_id: str
    to_id: str
    type: str
    metadata: dict[str, Any] = field(default_factory=dict, compare=False, hash=False)


@dataclass
class Cycle:
    path: list[str]

    @property
    def description(self) -> str:
        return "Cycle detected: " + " -> ".join(self.path)


class DependencyGraph:
    def __init__(self) -> None:
        self.nodes: dict[str, Node] = {}
        self.outgoing: dict[str, list[Edge]] = defaultdict(list)
        self.incoming: dict[str, list[Edge]] = defaultdict(list)

    def add_node(self, node: Node) -> None:
        self.nodes[node.id] = node

    def add_edge(self, edge: Edge) -> None:
        for end in (edge.from_id, edge.to_id):
            if end not in self.nodes:
                raise KeyError(f"Cannot add edge: node {end!r} does not exist")
        if edge not in self.outgoing[edge.from_id]:
            self.outgoing[edge.from_id].append(edge)
            self.incoming[edge.to_id].append(edge)

    @property
    def edges(self) -> list[Edge]:
        return [edge for node_id in self.nodes for edge in self.outgoing.get(node_id, [])]

    def dependencies(self, node_id: str) -> list[Node]:
        """What ``node_id`` directly depends on."""
        return [self.nodes[e.to_id] for e in self.outgoing.get(node_id, [])]

    def dependents(self, node_id: str) -> list[Node]:
        """What directly depends on ``node_id``."""
        return [self.nodes[e.from_id] for e in self.incoming.get(node_id, [])]

    def affected_by(self, node_ids: set[str]) -> set[str]:
        """Every node that depends, directly or not, on one of ``node_ids`` (them included)."""
        seen = set(node_ids)
        queue = deque(node_ids)
        while queue:
            for edge in self.incoming.get(queue.popleft(), []):
                if edge.from_id not in seen:
                    seen.add(edge.from_id)
                    queue.append(edge.from_id)
        return seen

    def has_path(self, source: str, target: str) -> bool:
        if source not in self.nodes or target not in self.nodes:
            return False
        return target in self._reachable(source)

    def _reachable(self, source: str) -> set[str]:
        seen = {source}
        queue = deque([source])
        while queue:
            for edge in self.outgoing.get(queue.popleft(), []):
                if edge.to_id not in seen:
                    seen.add(edge.to_id)
                    queue.append(edge.to_id)
        return seen

    def find_cycles(self) -> list[Cycle]:
        """Every elementary cycle found by a depth-first search, as ``[a, b, …, a]``."""
        white, grey, black = 0, 1, 2
        colour = dict.fromkeys(self.nodes, white)
        stack: list[str] = []
        cycles: list[Cycle] = []

        def visit(node_id: str) -> None:
            colour[node_id] = grey
            stack.append(node_id)
            for edge in self.outgoing.get(node_id, []):
                if colour[edge.to_id] == grey:
                    start = stack.index(edge.to_id)
                    cycles.append(Cycle([*stack[start:], edge.to_id]))
                elif colour[edge.to_id] == white:
                    visit(edge.to_id)
            stack.pop()
            colour[node_id] = black

        for node_id in sorted(self.nodes):
            if colour[node_id] == white:
                visit(node_id)
        return cycles

    def evaluation_order(self) -> tuple[list[str], list[str]]:
        """(order, unsortable): dependencies before dependents, ties broken by id so the order is
        stable; ``unsortable`` holds the nodes on or behind a cycle (then the order is partial)."""
        pending = {node_id: len(self.outgoing.get(node_id, [])) for node_id in self.nodes}
        ready = sorted(node_id for node_id, count in pending.items() if count == 0)
        order: list[str] = []
        while ready:
            node_id = ready.pop(0)
            order.append(node_id)
            newly_ready = []
            for edge in self.incoming.get(node_id, []):
                pending[edge.from_id] -= 1
                if pending[edge.from_id] == 0:
                    newly_ready.append(edge.from_id)
            ready = sorted([*ready, *newly_ready])
        unsortable = sorted(node_id for node_id in self.nodes if node_id not in set(order))
        return order, unsortable

    def would_create_cycle(self, from_id: str, to_ids: set[str]) -> Cycle | None:
        """The cycle that edges ``from_id → to_ids`` would close, if any."""
        for to_id in sorted(to_ids):
            if to_id == from_id:
                return Cycle([from_id, from_id])
            if to_id in self.nodes and from_id in self.nodes:
                path = self._path(to_id, from_id)
                if path is not None:
                    return Cycle([from_id, *path])
        return None

    def _path(self, source: str, target: str) -> list[str] | None:
        parents: dict[str, str | None] = {source: None}
        queue = deque([source])
        while queue:
            node_id = queue.popleft()
            if node_id == target:
                path = [node_id]
                while parents[path[-1]] is not None:
                    path.append(parents[path[-1]])  # type: ignore[arg-type]
                return path[::-1]
            for edge in self.outgoing.get(node_id, []):
                if edge.to_id not in parents:
                    parents[edge.to_id] = node_id
                    queue.append(edge.to_id)
        return None
