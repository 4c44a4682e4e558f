"""Advancing a branch's world time, and what it sets off: the due work it makes fire.

``advance_world_time`` is the use case behind ``advanceWorldTime``: it checks the new time against
the calendar's epoch and the branch clock (forward only), moves the clock with the campaign
action's compare-and-set (which also audits it and announces ``world_time_changed``), and after
commit enqueues ``scheduler.fire_due_work`` for the branch, which fires the due work in the order
it fell due (``scheduler.due_work``).
"""

import datetime
from dataclasses import dataclass

from django.db import transaction

from campaign import world_time
from campaign.actions import campaigns, entities, follow_up
from campaign.actions import fields as f
from campaign.models import Branch
from campaign.permissions import WRITE
from kernel.actor import Actor
from kernel.dates import InstantInput
from kernel.errors import ValidationError
from kernel.ids import EntityId
from scheduler import due_work, tasks


@dataclass(frozen=True)
class Advanced:
    branch: Branch
    previous: datetime.datetime | None
    # Items due once the clock moved (each period of a recurring effect counts once).
    due: int


def advance_world_time(
    actor: Actor,
    *,
    campaign_id: EntityId,
    to: InstantInput | None,
    branch_id: EntityId | None = None,
    expected_version: int | None = None,
) -> Advanced:
    campaign = entities.load(actor, "campaign", campaign_id, minimum=WRITE, field="campaignId")
    target = f.moment(to, "to")
    if target is None:
        raise ValidationError("to is required", field="to")
    calendar = world_time.calendar_of(campaign)
    if calendar is not None and target < calendar.epoch:
        raise ValidationError(
            f"to {target.isoformat()} is before the epoch of the calendar {calendar.name!r}"
            f" ({calendar.epoch.isoformat()})",
            field="to",
        )
    with transaction.atomic():
        branch = entities.resolve_branch(actor, campaign, branch_id, WRITE)
        # Held, so that the time it moves from is the time it moves from.
        previous = Branch.objects.select_for_update().get(pk=branch.pk).current_world_time
        if previous is not None and target <= previous:
            raise ValidationError(
                "Cannot advance time to the past: the new time must be after the current world"
                f" time {previous.isoformat()}",
                field="to",
            )
        branch = campaigns.advance_world_time(
            actor,
            campaign_id=campaign.pk,
            to=target,
            branch_id=branch.pk,
            expected_version=expected_version,
        )
        due = due_work.pending(branch)
        follow_up.after_commit(tasks.fire_due_work, str(branch.pk))
    return Advanced(branch=branch, previous=previous, due=due)
