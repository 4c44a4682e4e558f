"""Advancing a branch's world time, and what it sets off: the due work it makes fire.

``advance_world_time`` is the use case behind ``advanceWorldTime``: it moves the clock with the
campaign action (forward only, not before the calendar's epoch, compare-and-set; audited and
announced as ``world_time_changed``), counts what fell due, and after commit enqueues
``scheduler.fire_due_work`` for the branch, which fires the due work in the order it fell due
(``scheduler.due_work``).
"""

import datetime
from dataclasses import dataclass

from django.db import transaction

from campaign.actions import campaigns, follow_up
from campaign.models import Branch
from kernel.actor import Actor
from kernel.dates import InstantInput
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
    with transaction.atomic():
        previous, branch = campaigns.advance_world_time(
            actor,
            campaign_id=campaign_id,
            to=to,
            branch_id=branch_id,
            expected_version=expected_version,
        )
        due = due_work.pending(branch)
        follow_up.after_commit(tasks.fire_due_work, str(branch.pk))
    return Advanced(branch=branch, previous=previous, due=due)
