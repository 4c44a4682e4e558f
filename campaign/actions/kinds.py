"""What the generic actions need to know about each entity type: how to find its campaign, which
children a delete cascades to, who may archive it, which level range applies and which rooms
hear about it."""

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
    Role,
    Settlement,
    Structure,
    World,
)
from campaign.permissions import MANAGE, WRITE
from config.models import VersionedModel
from realtime.publish import room
from rules.models import Condition, Effect, FieldCondition, StateVariable


@dataclass(frozen=True)
class Child:
    """Rows that go when their parent goes: ``lookup`` on the child holds the parent's ``by``
    (its primary key, or its ``uid`` for rules, which refer to entities across branches)."""

    kind: str
    lookup: str
    by: str = "pk"
    where: tuple[tuple[str, str], ...] = ()


def rules_of(entity_type: str, *, occurrence: bool = False) -> tuple[Child, ...]:
    """The rules about an entity: its conditions, variables and the effects aimed at it (and,
    for events and encounters, the effects and availability conditions they carry)."""
    children: tuple[Child, ...] = (
        Child("field_condition", "target_uid", "uid", (("target_type", entity_type),)),
        Child("state_variable", "scope_uid", "uid", (("scope", entity_type),)),
        Child("effect", "target_uid", "uid", (("target_type", entity_type),)),
    )
    if occurrence:
        children += (
            Child("effect", "source_uid", "uid", (("source_type", entity_type),)),
            Child("condition", "target_uid", "uid", (("target_type", entity_type),)),
        )
    return children


@dataclass(frozen=True)
class Kind:
    model: type[VersionedModel]
    label: str
    cascade: tuple[Child, ...] = ()
    # Rows that merely point at the entity: the pointer is cleared, the row stays.
    detach: tuple[tuple[str, str], ...] = ()
    # The least campaign role that archives and restores it.
    archived_by: Role = WRITE
    level_field: str | None = None
    level_range: tuple[int, int] | None = None
    rooms: Callable[[models.Model], tuple[str, ...]] = field(default=lambda _: ())

    @property
    def entity_type(self) -> str:
        return self.model.entity_type  # type: ignore[attr-defined]


KINDS: dict[str, Kind] = {
    "world": Kind(World, "World"),
    # Archiving a campaign takes it out of every member's list: the owner's decision.
    "campaign": Kind(Campaign, "Campaign", archived_by=MANAGE),
    "location": Kind(Location, "Location", cascade=(Child("location", "parent"),)),
    "party": Kind(
        Party,
        "Party",
        cascade=rules_of("party"),
        detach=(("character", "party"),),
        level_field="manual_level_override",
        level_range=(1, 20),
    ),
    "kingdom": Kind(
        Kingdom,
        "Kingdom",
        cascade=(Child("settlement", "kingdom"), *rules_of("kingdom")),
        level_field="level",
        level_range=(1, 10),
    ),
    "settlement": Kind(
        Settlement,
        "Settlement",
        cascade=(Child("structure", "settlement"), *rules_of("settlement")),
        level_field="level",
        level_range=(1, 10),
        rooms=lambda s: (room("settlement", s.uid),),  # type: ignore[attr-defined]
    ),
    "structure": Kind(
        Structure,
        "Structure",
        cascade=rules_of("structure"),
        level_field="level",
        level_range=(1, 5),
        rooms=lambda s: (
            room("structure", s.uid),  # type: ignore[attr-defined]
            room("settlement", s.settlement.uid),  # type: ignore[attr-defined]
        ),
    ),
    "character": Kind(
        Character,
        "Character",
        cascade=rules_of("character"),
        level_field="level",
        level_range=(1, 20),
    ),
    "event": Kind(
        Event,
        "Event",
        cascade=(
            Child("link", "source_event"),
            Child("link", "target_event"),
            *rules_of("event", occurrence=True),
        ),
    ),
    "encounter": Kind(
        Encounter,
        "Encounter",
        cascade=(
            Child("link", "source_encounter"),
            Child("link", "target_encounter"),
            *rules_of("encounter", occurrence=True),
        ),
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
