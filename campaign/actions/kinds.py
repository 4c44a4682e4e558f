"""What the generic actions need to know about each entity type: how to find its campaign, which
children a delete cascades to, which level range applies and which rooms hear about it."""

from collections.abc import Callable
from dataclasses import dataclass, field

from django.db import models

from campaign.models import (
    Campaign,
    Character,
    Encounter,
    Event,
    Kingdom,
    Link,
    Location,
    Party,
    Settlement,
    Structure,
    World,
)
from config.models import VersionedModel
from realtime.publish import room
from rules.models import Condition, Effect, FieldCondition, StateVariable


@dataclass(frozen=True)
class Kind:
    model: type[VersionedModel]
    label: str
    # Children soft-deleted with the entity: (child kind name, lookup from the child to the parent).
    cascade: tuple[tuple[str, str], ...] = ()
    level_field: str | None = None
    level_range: tuple[int, int] | None = None
    rooms: Callable[[models.Model], tuple[str, ...]] = field(default=lambda _: ())

    @property
    def entity_type(self) -> str:
        return self.model.entity_type  # type: ignore[attr-defined]


KINDS: dict[str, Kind] = {
    "world": Kind(World, "World"),
    "campaign": Kind(Campaign, "Campaign"),
    "location": Kind(Location, "Location", cascade=(("location", "parent"),)),
    "party": Kind(Party, "Party", level_field="manual_level_override", level_range=(1, 20)),
    "kingdom": Kind(
        Kingdom,
        "Kingdom",
        cascade=(("settlement", "kingdom"),),
        level_field="level",
        level_range=(1, 10),
    ),
    "settlement": Kind(
        Settlement,
        "Settlement",
        cascade=(("structure", "settlement"),),
        level_field="level",
        level_range=(1, 10),
        rooms=lambda s: (room("settlement", s.uid),),  # type: ignore[attr-defined]
    ),
    "structure": Kind(
        Structure,
        "Structure",
        level_field="level",
        level_range=(1, 5),
        rooms=lambda s: (
            room("structure", s.uid),  # type: ignore[attr-defined]
            room("settlement", s.settlement.uid),  # type: ignore[attr-defined]
        ),
    ),
    "character": Kind(Character, "Character", level_field="level", level_range=(1, 20)),
    "event": Kind(
        Event,
        "Event",
        cascade=(("link", "source_event"), ("link", "target_event")),
    ),
    "encounter": Kind(
        Encounter,
        "Encounter",
        cascade=(("link", "source_encounter"), ("link", "target_encounter")),
    ),
    "link": Kind(Link, "Link"),
    "field_condition": Kind(FieldCondition, "Field condition"),
    "state_variable": Kind(StateVariable, "State variable"),
    "condition": Kind(Condition, "Condition"),
    "effect": Kind(Effect, "Effect"),
}


def kind_of(instance: models.Model) -> Kind:
    return KINDS[instance.entity_type]  # type: ignore[attr-defined]


def campaign_of(instance: models.Model) -> Campaign | None:
    """The campaign an entity belongs to, or None for worlds and locations (world-scoped)."""
    if isinstance(instance, Campaign):
        return instance
    branch = getattr(instance, "branch", None)
    return branch.campaign if branch is not None else None
