"""World time's root fields: the contract's ``advanceWorldTime``, ``getOverdueEvents`` and
``expireEvent``, and this API's calendar dates (``formatWorldTime``, ``parseWorldDate``),
recurring effects and deferred work, each declared by name in the order the printed schema
lists them."""

import graphene

from api.graphql.campaign.mutations.factory import delete
from api.graphql.campaign.types.events import Event
from api.graphql.paging import paged_list
from api.graphql.scalars import JSON, DateTime
from api.graphql.scheduler import resolvers
from api.graphql.scheduler.types import (
    CalendarDate,
    DeferredWork,
    RecurringEffect,
    WorldTimeResult,
)


class AdvanceWorldTimeInput(graphene.InputObjectType):
    campaign_id = graphene.ID(required=True)
    branch_id = graphene.ID(description="The branch whose clock moves; its main branch if omitted.")
    to = DateTime(required=True, description="Strictly after the branch's current world time.")
    invalidate_cache = graphene.Boolean(
        default_value=True,
        description="Accepted for the contract; caches always follow a committed change.",
    )
    expected_version = graphene.Int(description="The branch clock's version, when checked.")


class AttachRecurringEffectInput(graphene.InputObjectType):
    target_type = graphene.String(
        required=True,
        description="settlement, structure, kingdom, party, character or state_variable",
    )
    target_id = graphene.ID(required=True)
    branch_id = graphene.ID()
    name = graphene.String(required=True)
    payload = JSON(
        required=True,
        description="RFC 6902 operations; an operation may carry a JSONLogic valueRule,"
        " evaluated against the target when due, instead of a value.",
    )
    period_days = graphene.Int(required=True, description="World days between applications.")
    starts_at = DateTime(description="The first application is one period later (default: now).")


class DeferEffectInput(graphene.InputObjectType):
    effect_id = graphene.ID(required=True)
    branch_id = graphene.ID()
    at = DateTime(required=True, description="World time, after the branch's clock.")


class WorldTimeQueries(graphene.ObjectType):
    get_overdue_events = paged_list(
        Event,
        resolvers.resolve_get_overdue_events,
        campaign_id=graphene.ID(required=True),
        branch_id=graphene.ID(),
        description="Events scheduled more than 5 world minutes before the branch clock and"
        " never completed, earliest first (the scheduler expires them).",
    )
    format_world_time = graphene.Field(
        CalendarDate,
        campaign_id=graphene.ID(required=True),
        branch_id=graphene.ID(),
        world_time=DateTime(description="Default: the branch's current world time."),
        calendar_id=graphene.String(description="Default: the campaign's calendar."),
        include_time=graphene.Boolean(default_value=False),
        description="A world time as a date of the world's calendar; null without a time or a"
        " calendar.",
        resolver=resolvers.resolve_format_world_time,
    )
    parse_world_date = DateTime(
        required=True,
        campaign_id=graphene.ID(required=True),
        text=graphene.String(required=True, description='"15 Pharast 4707" or ISO-8601'),
        calendar_id=graphene.String(),
        description="The world time a date of the world's calendar names.",
        resolver=resolvers.resolve_parse_world_date,
    )
    recurring_effects = paged_list(
        RecurringEffect,
        resolvers.resolve_recurring_effects,
        campaign_id=graphene.ID(required=True),
        branch_id=graphene.ID(),
    )
    deferred_work = paged_list(
        DeferredWork,
        resolvers.resolve_deferred_work,
        campaign_id=graphene.ID(required=True),
        branch_id=graphene.ID(),
        pending=graphene.Boolean(default_value=False, description="Only what is not done yet."),
        description="Deferred effects and triggered events of the branch, by world time due.",
    )


class WorldTimeMutations(graphene.ObjectType):
    advance_world_time = graphene.Field(
        WorldTimeResult,
        required=True,
        input=AdvanceWorldTimeInput(required=True),
        resolver=resolvers.advance_world_time,
    )
    expire_event = graphene.Field(
        Event,
        required=True,
        event_id=graphene.ID(required=True),
        branch_id=graphene.ID(),
        resolver=resolvers.expire_event,
    )
    attach_recurring_effect = graphene.Field(
        RecurringEffect,
        required=True,
        input=AttachRecurringEffectInput(required=True),
        resolver=resolvers.attach_recurring_effect,
    )
    delete_recurring_effect = delete("recurring_effect", RecurringEffect)
    defer_effect = graphene.Field(
        DeferredWork,
        required=True,
        input=DeferEffectInput(required=True),
        description="Apply an active effect once, when the branch's world time reaches `at`.",
        resolver=resolvers.defer_effect,
    )
