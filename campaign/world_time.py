"""World time: the in-fiction clock of a branch."""

import datetime

from campaign.models import Branch

# Before a campaign's clock is first set, history is valid from the beginning of time.
ORIGIN = datetime.datetime(1, 1, 1, tzinfo=datetime.UTC)


def effective(branch: Branch | None, world_time: datetime.datetime | None) -> datetime.datetime:
    """The world time a write is valid from: the caller's, else the branch clock, else ORIGIN."""
    if world_time is not None:
        return world_time
    if branch is not None and branch.current_world_time is not None:
        return branch.current_world_time
    return ORIGIN
