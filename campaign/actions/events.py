from collections.abc import Mapping
from typing import Any, Unpack

from django.utils import timezone

from campaign.actions import entities
from campaign.actions import fields as f
from campaign.models import Branch, Encounter, Event, EventType, Location, Operation
from campaign.permissions import WRITE
from kernel.actor import Actor
from kernel.errors import ValidationError
from kernel.ids import EntityId
from kernel.models import VersionedModel

EVENT_FIELDS: dict[str, f.Cleaner] = {
    "name": f.name,
    "description": f.text,
    "event_type": f.choice(EventType.values),
    "scheduled_at": f.moment,
    "occurred_at": f.moment,
    "is_completed": f.boolean,
    "location_id": lambda value, field: value,
    "variables": f.json_object,
    "variable_schemas": f.json_list,
}

ENCOUNTER_FIELDS: dict[str, f.Cleaner] = {
    "name": f.name,
    "description": f.text,
    "difficulty": f.integer(0, 100, nullable=True),
    "scheduled_at": f.moment,
    "is_resolved": f.boolean,
    "resolved_at": f.moment,
    "location_id": lambda value, field: value,
    "variables": f.json_object,
    "variable_schemas": f.json_list,
}


def with_location(cleaned: dict[str, Any], branch: Branch) -> dict[str, Any]:
    """Events and encounters may happen at a location of the campaign's world."""
    if "location_id" in cleaned:
        location_id = cleaned.pop("location_id")
        location = None
        if location_id is not None:
            location = Location.objects.filter(
                pk=entities.parse_id(location_id, "locationId"),
                world_id=branch.campaign.world_id,
            ).first()
            if location is None:
                raise ValidationError(
                    f"Location {location_id} does not exist in this campaign's world",
                    field="locationId",
                )
        cleaned["location"] = location
    return cleaned


def clean_event(data: dict[str, Any], branch: Branch, event: Event | None) -> dict[str, Any]:
    required = () if event else ("name", "event_type")
    return with_location(f.clean_fields(data, EVENT_FIELDS, required=required), branch)


def clean_encounter(
    data: dict[str, Any], branch: Branch, encounter: Encounter | None
) -> dict[str, Any]:
    required = () if encounter else ("name",)
    return with_location(f.clean_fields(data, ENCOUNTER_FIELDS, required=required), branch)


def create_event(
    actor: Actor,
    *,
    campaign_id: EntityId,
    data: Mapping[str, object],
    **options: Unpack[entities.Placement],
) -> Event:
    return entities.create_in_campaign(
        actor, model=Event, campaign_id=campaign_id, data=data, clean=clean_event, **options
    )


def update_event(
    actor: Actor,
    *,
    event_id: EntityId,
    data: Mapping[str, object],
    **options: Unpack[entities.Routing],
) -> Event:
    return entities.edit(
        actor, model=Event, entity_id=event_id, data=data, clean=clean_event, **options
    )


def create_encounter(
    actor: Actor,
    *,
    campaign_id: EntityId,
    data: Mapping[str, object],
    **options: Unpack[entities.Placement],
) -> Encounter:
    return entities.create_in_campaign(
        actor, model=Encounter, campaign_id=campaign_id, data=data, clean=clean_encounter, **options
    )


def update_encounter(
    actor: Actor,
    *,
    encounter_id: EntityId,
    data: Mapping[str, object],
    **options: Unpack[entities.Routing],
) -> Encounter:
    return entities.edit(
        actor, model=Encounter, entity_id=encounter_id, data=data, clean=clean_encounter, **options
    )


def expire_event(
    actor: Actor,
    *,
    event_id: EntityId,
    branch_id: EntityId | None = None,
    expected_version: int | None = None,
) -> Event:
    """Mark an event that was never completed as over: completed, having occurred at the branch's
    world time (the wall clock while the branch has none). Refused for a completed event, also
    when another expiry or completion wins the race for the row."""
    event: Event = entities.load(
        actor, "event", event_id, branch_id=branch_id, minimum=WRITE, field="eventId"
    )

    def expire(current: VersionedModel) -> dict[str, object]:
        assert isinstance(current, Event)
        if current.is_completed:
            raise ValidationError(f"Event with ID {event_id} is already completed", field="eventId")
        return {
            "is_completed": True,
            "occurred_at": current.branch.current_world_time or timezone.now(),
        }

    entities.authorize_change(actor, event, Operation.UPDATE)
    return entities.update(actor, instance=event, changes=expire, expected_version=expected_version)
