"""World time: the in-fiction clock of a branch."""

import datetime

from django.db.models import QuerySet

from campaign import calendars
from campaign.models import Branch, Campaign, Event

# Before a campaign's clock is first set, history is valid from the beginning of time.
ORIGIN = datetime.datetime(1, 1, 1, tzinfo=datetime.UTC)
# An event is overdue once the world has moved this far past its scheduled time (the original's
# grace); the scheduler then expires it.
OVERDUE_GRACE = datetime.timedelta(minutes=5)


def effective(branch: Branch | None, world_time: datetime.datetime | None) -> datetime.datetime:
    """The world time a write is valid from: the caller's, else the branch clock, else ORIGIN."""
    if world_time is not None:
        return world_time
    if branch is not None and branch.current_world_time is not None:
        return branch.current_world_time
    return ORIGIN


def overdue_events(branch: Branch, *, grace: datetime.timedelta = OVERDUE_GRACE) -> QuerySet[Event]:
    """The branch's live events scheduled more than ``grace`` before its clock and never
    completed, earliest first; none while the clock is unset."""
    if branch.current_world_time is None:
        return Event.objects.none()
    return Event.objects.filter(
        branch=branch,
        is_completed=False,
        archived_at__isnull=True,
        scheduled_at__lt=branch.current_world_time - grace,
    ).order_by("scheduled_at", "pk")


def calendar_of(campaign: Campaign, calendar_id: str | None = None) -> calendars.Calendar | None:
    """The calendar ``calendar_id`` of the campaign's world, else the campaign's own (its
    ``settings.calendar``), the world's default (``settings.defaultCalendar``) or its first;
    None when none is asked for and the world has none."""
    world = campaign.world
    if calendar_id is None:
        known = {d.get("id") for d in calendars.definitions(world.calendars) if isinstance(d, dict)}
        if not known:
            return None
        preferred = (campaign.settings.get("calendar"), world.settings.get("defaultCalendar"))
        calendar_id = next((name for name in preferred if name in known), None)
    return calendars.find(world.calendars, calendar_id)
