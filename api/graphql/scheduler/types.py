"""World time's types: the result of advancing it, a world time told as a calendar date,
recurring effects and deferred work."""

from typing import Any

import graphene
from graphene import ResolveInfo

from api.graphql.campaign.types.common import BranchScoped
from api.graphql.scalars import JSON, DateTime


class CalendarDate(graphene.ObjectType):
    """A world time told by one of the world's calendars (``15 Pharast 4707``)."""

    calendar_id = graphene.String(required=True)
    text = graphene.String(required=True, description='"15 Pharast 4707" (with " HH:MM:SS")')
    year = graphene.Int(required=True)
    month = graphene.Int(required=True, description="1 for the first month")
    month_name = graphene.String(required=True)
    day = graphene.Int(required=True)
    weekday = graphene.String(description="When the calendar names its weekdays")
    era = graphene.String(description="When the calendar has eras")
    time = graphene.String(required=True, description="HH:MM:SS, UTC")
    world_time = DateTime(required=True)

    @staticmethod
    def resolve_time(root: Any, info: ResolveInfo) -> str:
        return str(root.time.isoformat())


class WorldTimeResult(graphene.ObjectType):
    campaign_id = graphene.ID(required=True)
    branch_id = graphene.ID(required=True)
    previous_world_time = DateTime()
    current_world_time = DateTime(required=True)
    current_world_date = graphene.Field(
        CalendarDate, description="The new time in the campaign's calendar; null without one."
    )
    affected_entities = graphene.Int(
        required=True, description="Items of due work the advance made due (fired in order)."
    )
    message = graphene.String(required=True)
    version = graphene.Int(required=True, description="The branch clock's version.")


class RecurringEffect(BranchScoped, graphene.ObjectType):
    name = graphene.String(required=True)
    target_type = graphene.String(required=True)
    target_id = graphene.ID(required=True)
    payload = JSON(required=True)
    period_days = graphene.Int(required=True)
    next_due_at = DateTime(required=True)
    applied_count = graphene.Int(required=True)
    last_applied_at = DateTime()
    last_error = graphene.String(required=True)
    is_active = graphene.Boolean(required=True)

    @staticmethod
    def resolve_target_id(root: Any, info: ResolveInfo) -> str:
        return str(root.target_uid)


class DeferredWork(graphene.ObjectType):
    """Work done once when the branch's clock reaches dueAt: a deferred effect, or an event or
    encounter that a triggers link set off for a later world time."""

    id = graphene.ID(required=True)
    branch_id = graphene.ID(required=True)
    entity_type = graphene.String(required=True, description="effect, event or encounter")
    entity_id = graphene.ID(required=True)
    due_at = DateTime(required=True, description="World time")
    scheduled_by = graphene.String(
        required=True, description="deferEffect, or the source that triggered it (event:<id>)"
    )
    created_at = DateTime(required=True)
    done_at = DateTime(description="When it was done (wall clock); null while pending")
    error = graphene.String(required=True, description="Why it could not be done; empty if done")

    @staticmethod
    def resolve_id(root: Any, info: ResolveInfo) -> str:
        return str(root.uid)

    @staticmethod
    def resolve_entity_id(root: Any, info: ResolveInfo) -> str:
        return str(root.entity_uid)
