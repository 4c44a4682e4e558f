"""The dependency graph of a branch's rules: nodes, edges, statistics and cycles."""

from typing import Any

import graphene
from graphene import ResolveInfo

from api.graphql.scalars import JSON, DateTime


class DependencyNodeType(graphene.Enum):
    """ENTITY is the contract's and never produced: an entity field is a virtual VARIABLE node."""

    CONDITION = "CONDITION"
    EFFECT = "EFFECT"
    ENTITY = "ENTITY"
    VARIABLE = "VARIABLE"


class DependencyEdgeType(graphene.Enum):
    DEPENDS_ON = "DEPENDS_ON"
    READS = "READS"
    WRITES = "WRITES"


class DependencyNode(graphene.ObjectType):
    id = graphene.ID(
        required=True,
        description="<TYPE>:<id>, e.g. VARIABLE:<variable id>, or VARIABLE:settlement.level for "
        "an entity field (a virtual node: metadata.virtual is true).",
    )
    type = graphene.Field(DependencyNodeType, required=True)
    entity_id = graphene.ID(required=True)
    label = graphene.String()
    metadata = JSON()

    @staticmethod
    def resolve_label(root: Any, info: ResolveInfo) -> str | None:
        return root.label or None


class DependencyEdge(graphene.ObjectType):
    """``fromId`` depends on ``toId`` (reads or writes it)."""

    from_id = graphene.ID(required=True)
    to_id = graphene.ID(required=True)
    type = graphene.Field(DependencyEdgeType, required=True)
    metadata = JSON()


class DependencyGraphStats(graphene.ObjectType):
    node_count = graphene.Int(required=True)
    edge_count = graphene.Int(required=True)
    condition_count = graphene.Int(required=True)
    effect_count = graphene.Int(required=True)
    variable_count = graphene.Int(
        required=True, description="VARIABLE nodes, the virtual entity-field nodes included."
    )
    entity_count = graphene.Int(required=True, description="Virtual entity-field nodes.")


class DependencyGraphResult(graphene.ObjectType):
    campaign_id = graphene.String(required=True)
    branch_id = graphene.String(required=True, description='As asked: "main" or a branch id.')
    nodes = graphene.List(graphene.NonNull(DependencyNode), required=True)
    edges = graphene.List(graphene.NonNull(DependencyEdge), required=True)
    stats = graphene.Field(DependencyGraphStats, required=True)
    built_at = DateTime(required=True)


class CycleInfo(graphene.ObjectType):
    path = graphene.List(graphene.NonNull(graphene.ID), required=True)
    description = graphene.String()


class CycleDetectionResult(graphene.ObjectType):
    has_cycles = graphene.Boolean(required=True)
    cycle_count = graphene.Int(required=True)
    cycles = graphene.List(graphene.NonNull(CycleInfo), required=True)
