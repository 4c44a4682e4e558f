"""Event inputs and resolvers (the root fields are in api/graphql/campaign/schema.py)."""

import graphene

from api.graphql.campaign.mutations.factory import (
    TypedVariablesInput,
    Versioning,
    created_under,
    updater,
)
from campaign.actions import events


class CreateEventInput(TypedVariablesInput, graphene.InputObjectType):
    campaign_id = graphene.String(required=True)
    branch_id = graphene.ID()
    name = graphene.String(required=True)
    description = graphene.String()
    event_type = graphene.String(required=True)
    location_id = graphene.String()
    scheduled_at = graphene.String()


class UpdateEventInput(TypedVariablesInput, Versioning, graphene.InputObjectType):
    name = graphene.String()
    description = graphene.String()
    event_type = graphene.String()
    location_id = graphene.String()
    scheduled_at = graphene.String()
    occurred_at = graphene.String()
    is_completed = graphene.Boolean()


create_event = created_under("campaign_id", events.create_event)
update_event = updater("event_id", events.update_event)
