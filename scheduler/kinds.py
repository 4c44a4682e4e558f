"""The scheduler's entity kind, registered with the campaign domain's generic actions: a
recurring effect is deleted, archived and restored like any entity, and goes with its target."""

from campaign.actions.kinds import Child, Kind, cascade_to, register
from scheduler.models import TARGET_TYPES, RecurringEffect


def register_kinds() -> None:
    register("recurring_effect", Kind(RecurringEffect, "Recurring effect", campaign_content=True))
    for target_type in TARGET_TYPES:
        cascade_to(
            target_type,
            Child("recurring_effect", "target_uid", "uid", (("target_type", target_type),)),
        )
