"""What executing effects, completing an event and resolving an encounter report."""

from typing import Any

import graphene
from graphene import ResolveInfo

from api.graphql.campaign.types.encounters import Encounter
from api.graphql.campaign.types.events import Event
from api.graphql.scalars import JSON


class EffectExecutionResult(graphene.ObjectType):
    """One effect's run: in a dry run what it would do (no execution is recorded)."""

    success = graphene.Boolean(required=True)
    effect_id = graphene.ID(required=True)
    execution_id = graphene.ID(description="The EffectExecution recorded; null in a dry run.")
    patch_applied = JSON()
    affected_fields = graphene.List(graphene.NonNull(graphene.String))
    error = graphene.String(description="Why the effect could not apply (dry runs only).")
    before = JSON(description="The target's patchable fields before the effect.")
    after = JSON(description="The target's patchable fields after the effect.")

    @staticmethod
    def resolve_effect_id(root: Any, info: ResolveInfo) -> str:
        return str(root.effect.uid)

    @staticmethod
    def resolve_execution_id(root: Any, info: ResolveInfo) -> str | None:
        return None if root.execution_id is None else str(root.execution_id)


class EffectExecutionSummary(graphene.ObjectType):
    """The effects of one timing, in the order they ran."""

    execution_order = graphene.List(graphene.NonNull(graphene.String))
    failed = graphene.Int(required=True)
    results = graphene.List(graphene.NonNull(EffectExecutionResult), required=True)
    succeeded = graphene.Int(required=True)
    total = graphene.Int(required=True)


class Phases:
    on_resolve = graphene.Field(EffectExecutionSummary, required=True)
    post = graphene.Field(EffectExecutionSummary, required=True)
    pre = graphene.Field(EffectExecutionSummary, required=True)
    dry_run = graphene.Boolean(required=True)
    forced = graphene.List(
        graphene.NonNull(graphene.String),
        required=True,
        description="What stood in the way and was overridden by force (empty otherwise).",
    )
    triggered = graphene.List(
        graphene.NonNull(lambda: TriggeredResolution),
        required=True,
        description="What its `triggers` links resolved with it.",
    )


class TriggeredResolution(Phases, graphene.ObjectType):
    entity_type = graphene.String(required=True, description="event or encounter")
    entity_id = graphene.ID(required=True)

    @staticmethod
    def resolve_entity_type(root: Any, info: ResolveInfo) -> str:
        return root.entity.entity_type  # type: ignore[no-any-return]

    @staticmethod
    def resolve_entity_id(root: Any, info: ResolveInfo) -> str:
        return str(root.entity.uid)


class EventCompletionResult(Phases, graphene.ObjectType):
    event = graphene.Field(Event, required=True)

    @staticmethod
    def resolve_event(root: Any, info: ResolveInfo) -> Any:
        return root.entity


class EncounterResolutionResult(Phases, graphene.ObjectType):
    encounter = graphene.Field(Encounter, required=True)

    @staticmethod
    def resolve_encounter(root: Any, info: ResolveInfo) -> Any:
        return root.entity
