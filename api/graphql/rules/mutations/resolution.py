"""Executing effects, completing events and resolving encounters (the root fields are in
api/graphql/rules/schema.py); each resolver calls one action of rules.effects or
rules.resolution."""

from typing import Any

import graphene
from graphene import ResolveInfo

from api.graphql.rules.mutations.factory import caller, plain
from api.graphql.rules.types.enums import EffectTiming
from api.graphql.scalars import JSON
from rules import effects, resolution


class ExecuteEffectInput(graphene.InputObjectType):
    context = JSON(description="Refused unless null: an effect applies to its stored target.")
    dry_run = graphene.Boolean(default_value=False)
    effect_id = graphene.ID(required=True)
    branch_id = graphene.ID()


class ExecuteEffectsForEntityInput(graphene.InputObjectType):
    dry_run = graphene.Boolean(default_value=False)
    entity_id = graphene.ID(required=True)
    entity_type = graphene.String(required=True, description="event or encounter, any case")
    timing = EffectTiming(required=True)
    branch_id = graphene.ID()


def resolve_execute_effect(root: None, info: ResolveInfo, input: dict[str, Any]) -> Any:
    data = plain(dict(input))
    return effects.execute_effect(
        caller(info),
        effect_id=data["effect_id"],
        branch_id=data.get("branch_id"),
        context=data.get("context"),
        dry_run=bool(data.get("dry_run")),
    )


def resolve_execute_effects_for_entity(root: None, info: ResolveInfo, input: dict[str, Any]) -> Any:
    data = plain(dict(input))
    return effects.execute_effects_for_entity(
        caller(info),
        entity_type=data["entity_type"],
        entity_id=data["entity_id"],
        timing=data["timing"],
        branch_id=data.get("branch_id"),
        dry_run=bool(data.get("dry_run")),
    )


def resolve_complete_event(
    root: None,
    info: ResolveInfo,
    id: str,
    branch_id: str | None = None,
    dry_run: bool = False,
    force: bool = False,
) -> Any:
    return resolution.complete_event(
        caller(info), event_id=id, branch_id=branch_id, dry_run=dry_run, force=force
    )


def resolve_resolve_encounter(
    root: None,
    info: ResolveInfo,
    id: str,
    branch_id: str | None = None,
    dry_run: bool = False,
    force: bool = False,
) -> Any:
    return resolution.resolve_encounter(
        caller(info), encounter_id=id, branch_id=branch_id, dry_run=dry_run, force=force
    )


def resolution_args() -> dict[str, Any]:
    return {
        "id": graphene.ID(required=True),
        "branch_id": graphene.ID(description="The campaign's main branch by default."),
        "dry_run": graphene.Boolean(
            default_value=False, description="Report what would happen; write nothing."
        ),
        "force": graphene.Boolean(
            default_value=False,
            description="Resolve despite unmet prerequisites, blocks or conditions (GM or"
            " owner; recorded in the audit row).",
        ),
    }
