"""World time's resolvers: they translate arguments into the scheduler's and the campaign's
actions and reads (the root fields are in api/graphql/scheduler/schema.py)."""

import datetime
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from graphene import ResolveInfo

from api.graphql.campaign.access import actor, campaign_branch
from campaign import calendars, world_time
from campaign.actions import events
from campaign.actions import fields as f
from campaign.models import Branch, Event
from kernel.errors import ValidationError
from kernel.snapshots import iso
from rules import deferred_work
from rules.models import DeferredWork
from scheduler import recurring
from scheduler import world_time as advancing
from scheduler.models import RecurringEffect


@dataclass(frozen=True)
class Told:
    """A calendar date with the world time it tells."""

    date: calendars.CalendarDate
    world_time: datetime.datetime

    def __getattr__(self, name: str) -> Any:
        return getattr(self.date, name)


def told(
    branch: Branch,
    moment: datetime.datetime | None,
    calendar_id: str | None = None,
    include_time: bool = False,
) -> Told | None:
    calendar = world_time.calendar_of(branch.campaign, calendar_id)
    if calendar is None or moment is None:
        return None
    return Told(calendars.format_date(calendar, moment, include_time=include_time), moment)


def resolve_get_overdue_events(
    root: None, info: ResolveInfo, campaign_id: str, branch_id: str | None = None
) -> QuerySet[Event]:
    return world_time.overdue_events(campaign_branch(info, campaign_id, branch_id))


def resolve_format_world_time(
    root: None,
    info: ResolveInfo,
    campaign_id: str,
    branch_id: str | None = None,
    world_time: Any = None,
    calendar_id: str | None = None,
    include_time: bool = False,
) -> Told | None:
    branch = campaign_branch(info, campaign_id, branch_id)
    moment = f.moment(world_time, "worldTime") or branch.current_world_time
    return told(branch, moment, calendar_id, include_time)


def resolve_parse_world_date(
    root: None,
    info: ResolveInfo,
    campaign_id: str,
    text: str,
    calendar_id: str | None = None,
) -> datetime.datetime:
    branch = campaign_branch(info, campaign_id)
    calendar = world_time.calendar_of(branch.campaign, calendar_id)
    if calendar is None:
        raise ValidationError("The campaign's world has no calendar", field="calendarId")
    return calendars.parse_date(calendar, text)


def advance_world_time(root: None, info: ResolveInfo, input: dict[str, Any]) -> dict[str, Any]:
    # invalidateCache is accepted and always honoured: every committed change of a branch moves
    # its cache generation (docs/decisions.md §10).
    advanced = advancing.advance_world_time(
        actor(info),
        campaign_id=input["campaign_id"],
        to=input["to"],
        branch_id=input.get("branch_id"),
        expected_version=input.get("expected_version"),
    )
    branch, previous = advanced.branch, advanced.previous
    current = branch.current_world_time
    assert current is not None
    message = (
        f"World time advanced from {iso(previous)} to {iso(current)}"
        if previous is not None
        else f"World time set to {iso(current)}"
    )
    return {
        "campaign_id": str(branch.campaign_id),
        "branch_id": str(branch.pk),
        "previous_world_time": previous,
        "current_world_time": current,
        "current_world_date": told(branch, current),
        "affected_entities": advanced.due,
        "message": message,
        "version": branch.version,
    }


def expire_event(
    root: None, info: ResolveInfo, event_id: str, branch_id: str | None = None
) -> Event:
    return events.expire_event(actor(info), event_id=event_id, branch_id=branch_id)


def resolve_recurring_effects(
    root: None, info: ResolveInfo, campaign_id: str, branch_id: str | None = None
) -> QuerySet[RecurringEffect]:
    branch = campaign_branch(info, campaign_id, branch_id)
    rows = RecurringEffect.objects.filter(branch=branch).select_related("branch")
    return rows.order_by("next_due_at", "pk")


def attach_recurring_effect(
    root: None, info: ResolveInfo, input: dict[str, Any]
) -> RecurringEffect:
    data = dict(input)
    return recurring.attach_recurring_effect(
        actor(info),
        target_type=data.pop("target_type"),
        target_id=data.pop("target_id"),
        branch_id=data.pop("branch_id", None),
        starts_at=data.pop("starts_at", None),
        data=data,
    )


def resolve_deferred_work(
    root: None,
    info: ResolveInfo,
    campaign_id: str,
    branch_id: str | None = None,
    pending: bool = False,
) -> QuerySet[DeferredWork]:
    rows = DeferredWork.objects.filter(branch=campaign_branch(info, campaign_id, branch_id))
    if pending:
        rows = rows.filter(done_at__isnull=True)
    return rows.order_by("due_at", "pk")


def defer_effect(root: None, info: ResolveInfo, input: dict[str, Any]) -> DeferredWork:
    return deferred_work.defer_effect(
        actor(info), effect_id=input["effect_id"], at=input["at"], branch_id=input.get("branch_id")
    )
