"""Effect inputs (the root fields are in api/graphql/rules/schema.py)."""

import graphene

from api.graphql.rules.types.enums import EffectTiming
from api.graphql.scalars import JSON


class CreateEffectInput(graphene.InputObjectType):
    entity_type = graphene.String(required=True, description="event or encounter (any case)")
    entity_id = graphene.ID(required=True)
    branch_id = graphene.ID()
    target_type = graphene.String(
        description="self (default: the event or encounter), settlement, structure, kingdom,"
        " party, character or state_variable"
    )
    target_id = graphene.ID(description="Required unless the target is the source itself.")
    name = graphene.String(required=True)
    description = graphene.String()
    effect_type = graphene.String(required=True)
    payload = JSON(required=True, description="RFC 6902 JSON Patch operations.")
    timing = EffectTiming(default_value="ON_RESOLVE")
    priority = graphene.Int(default_value=0)
    is_active = graphene.Boolean()


class UpdateEffectInput(graphene.InputObjectType):
    expected_version = graphene.Int(required=True)
    branch_id = graphene.ID()
    name = graphene.String()
    description = graphene.String()
    effect_type = graphene.String()
    payload = JSON()
    timing = EffectTiming()
    priority = graphene.Int()
    is_active = graphene.Boolean()
