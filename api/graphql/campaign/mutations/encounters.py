"""Encounter inputs and resolvers (the root fields are in api/graphql/campaign/schema.py)."""

import graphene

from api.graphql.campaign.mutations.factory import (
    TypedVariablesInput,
    Versioning,
    created_under,
    updater,
)
from api.graphql.scalars import DateTime
from campaign.actions import events


class CreateEncounterInput(TypedVariablesInput, graphene.InputObjectType):
    campaign_id = graphene.String(required=True)
    branch_id = graphene.ID()
    name = graphene.String(required=True)
    description = graphene.String()
    difficulty = graphene.Int()
    location_id = graphene.String()
    scheduled_at = DateTime()


class UpdateEncounterInput(TypedVariablesInput, Versioning, graphene.InputObjectType):
    name = graphene.String()
    description = graphene.String()
    difficulty = graphene.Int()
    location_id = graphene.String()
    scheduled_at = DateTime()
    is_resolved = graphene.Boolean()
    resolved_at = DateTime()


create_encounter = created_under("campaign_id", events.create_encounter)
update_encounter = updater("encounter_id", events.update_encounter)
