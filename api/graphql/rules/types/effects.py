"""The Effect type and its executions."""

from typing import Any

import graphene
from graphene import ResolveInfo

from api.graphql.campaign.types.common import actor_id
from api.graphql.dataloaders import then
from api.graphql.paging import page_args, paginated
from api.graphql.rules.dataloaders import EffectById, ExecutionsByEffect
from api.graphql.rules.types.common import RuleFields
from api.graphql.rules.types.enums import EffectTiming
from api.graphql.scalars import JSON, DateTime


class EffectExecution(graphene.ObjectType):
    """One application (or dry run) of an effect."""

    id = graphene.ID(required=True)
    effect_id = graphene.ID(required=True)
    effect = graphene.Field(lambda: Effect)
    entity_type = graphene.String(required=True, description="event or encounter")
    entity_id = graphene.ID(required=True)
    executed_at = DateTime(required=True)
    executed_by = graphene.ID(required=True)
    context = JSON(required=True)
    result = JSON(required=True)
    error = graphene.String()
    dry_run = graphene.Boolean(required=True)
    status = graphene.String(description="success or failed")
    patch_applied = JSON(description="The operations applied (or, in a dry run, that would be).")

    @staticmethod
    def resolve_id(root: Any, info: ResolveInfo) -> str:
        return str(root.pk)

    @staticmethod
    def resolve_effect_id(root: Any, info: ResolveInfo) -> Any:
        return then(EffectById.of(info).load(root.effect_id), lambda effect: str(effect.uid))

    @staticmethod
    def resolve_effect(root: Any, info: ResolveInfo) -> Any:
        return EffectById.of(info).load(root.effect_id)

    @staticmethod
    def resolve_entity_type(root: Any, info: ResolveInfo) -> str:
        return root.source_type  # type: ignore[no-any-return]

    @staticmethod
    def resolve_entity_id(root: Any, info: ResolveInfo) -> str:
        return str(root.source_uid)

    @staticmethod
    def resolve_executed_by(root: Any, info: ResolveInfo) -> str:
        return actor_id(root.executed_by_id)

    @staticmethod
    def resolve_error(root: Any, info: ResolveInfo) -> str | None:
        return root.error or None

    @staticmethod
    def resolve_status(root: Any, info: ResolveInfo) -> str:
        return "success" if (root.result or {}).get("success") and not root.error else "failed"

    @staticmethod
    def resolve_patch_applied(root: Any, info: ResolveInfo) -> Any:
        return (root.result or {}).get("patchApplied")


class Effect(RuleFields, graphene.ObjectType):
    """A JSON Patch applied to its target when its event completes or its encounter resolves."""

    name = graphene.String(required=True)
    effect_type = graphene.String(required=True)
    entity_type = graphene.String(required=True, description="event or encounter")
    entity_id = graphene.ID(required=True, description="The event or encounter.")
    target_type = graphene.String(
        required=True,
        description="self (the event or encounter), settlement, structure, kingdom, party,"
        " character or state_variable",
    )
    target_id = graphene.ID(description="Null when the target is the event or encounter itself.")
    payload = JSON(required=True)
    timing = graphene.Field(EffectTiming, required=True)
    priority = graphene.Int(required=True, description="Lower runs first.")
    executions = graphene.List(
        graphene.NonNull(EffectExecution),
        description="Most recent first.",
        resolver=paginated(
            lambda root, info, page: ExecutionsByEffect.for_page(info, page).load(root.pk)
        ),
        **page_args(),
    )

    @staticmethod
    def resolve_entity_type(root: Any, info: ResolveInfo) -> str:
        return root.source_type  # type: ignore[no-any-return]

    @staticmethod
    def resolve_entity_id(root: Any, info: ResolveInfo) -> str:
        return str(root.source_uid)

    @staticmethod
    def resolve_target_id(root: Any, info: ResolveInfo) -> str | None:
        return str(root.target_uid) if root.target_uid else None
