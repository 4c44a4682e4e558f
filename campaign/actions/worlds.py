from collections.abc import Mapping

from django.db import transaction

from campaign import calendars
from campaign.actions import entities
from campaign.actions import fields as f
from campaign.models import Campaign, Location, World
from campaign.permissions import MANAGE, WRITE, require_creator
from kernel.actor import Actor
from kernel.errors import ValidationError
from kernel.ids import EntityId


def clean_calendars(value: object, field: str) -> dict[str, list[dict[str, object]]]:
    """Any of the accepted shapes, stored in the one canonical form (campaign/calendars.py)."""
    return calendars.canonical(f.json_value(value, field), field)


FIELDS: dict[str, f.Cleaner] = {
    "name": f.name,
    "calendars": clean_calendars,
    "settings": f.json_object,
}


def create_world(actor: Actor, *, data: Mapping[str, object]) -> World:
    """A new world owned by the actor's user (a user session or an unrestricted admin key)."""
    owner = require_creator(actor)
    cleaned = f.clean_fields(data, FIELDS, required=("name",))
    return entities.save_new(actor, instance=World(owner=owner, **cleaned))


def update_world(
    actor: Actor,
    *,
    world_id: EntityId,
    data: Mapping[str, object],
    expected_version: int | None = None,
) -> World:
    world = entities.load(actor, "world", world_id, minimum=WRITE)
    cleaned = f.clean_fields(data, FIELDS)
    return entities.update(
        actor, instance=world, changes=cleaned, expected_version=expected_version
    )


def delete_world(actor: Actor, *, world_id: EntityId, expected_version: int | None = None) -> World:
    """Refused while live campaigns use the world (deleting it must not orphan them); takes the
    world's map with it: every location, through the location tree's own cascade."""
    with transaction.atomic():
        # Held, so that no campaign is started in the world between the check and the delete.
        world = entities.load(actor, "world", world_id, minimum=MANAGE, lock=True)
        if Campaign.objects.filter(world=world).exists():
            raise ValidationError(
                "Delete or move this world's campaigns before deleting the world", field="id"
            )
        deleted = entities.delete_with_descendants(
            actor, instance=world, expected_version=expected_version
        )
        for root in Location.objects.filter(world=world, parent__isnull=True):
            entities.delete_with_descendants(actor, instance=root)
    return deleted
