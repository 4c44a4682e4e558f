"""What the generic actions need to know about each entity type: how to find its campaign, which
children a delete cascades to, who may archive it, which level range applies and which rooms
hear about it.

The campaign domain's own kinds are listed here. Features built on top of it (the rules app) add
theirs, and the children a delete of a campaign entity takes along, with ``register`` and
``cascade_to`` when their app is ready, so that this package never imports them."""

from collections.abc import Callable
from dataclasses import dataclass, field, replace

from django.db import models

from campaign.actions.announcements import (
    ENTITY_UPDATED,
    SETTLEMENT_UPDATED,
    STRUCTURE_UPDATED,
)
from campaign.models import (
    Campaign,
    Character,
    Encounter,
    Event,
    Kingdom,
    Link,
    Location,
    Operation,
    Party,
    Role,
    Settlement,
    Structure,
    World,
)
from campaign.permissions import MANAGE, WRITE
from kernel.models import VersionedModel
from realtime.publish import room


@dataclass(frozen=True)
class Child:
    """Rows that go when their parent goes: ``lookup`` on the child holds the parent's ``by``
    (its primary key, or its ``uid`` for rules, which refer to entities across branches)."""

    kind: str
    lookup: str
    by: str = "pk"
    where: tuple[tuple[str, str], ...] = ()


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
    rooms: Callable[[models.Model], tuple[str, ...]] = field(default=lambda _: ())
    # How its changes are announced (campaign.actions.announcements), and the payload's own
    # names for it and its parents.
    event_type: str = ENTITY_UPDATED
    event_ids: Callable[[models.Model], dict[str, str]] = field(default=lambda _: {})
    # Deleted with its campaign, on every branch.
    campaign_content: bool = False
    # Rows owned by a world rather than a campaign (a world, a world's own variables), and
    # their world (None when it is gone).
    world_owned: Callable[[models.Model], bool] = field(default=lambda _: False)
    world_of: Callable[[models.Model], World | None] = field(default=lambda _: None)

    def required_role(self, operation: str) -> Role:
        """The least campaign role that performs ``operation`` on a row of this kind: deletes
        need the owner, archiving and restoring ``archived_by``, any other change a GM."""
        if operation == Operation.DELETE:
            return MANAGE
        if operation in (Operation.ARCHIVE, Operation.RESTORE):
            return self.archived_by
        return WRITE

    @property
    def level_range(self) -> tuple[int, int] | None:
        return getattr(self.model, "level_range", None)

    @property
    def entity_type(self) -> str:
        return self.model.entity_type  # type: ignore[attr-defined]


def _the_world(world: models.Model) -> World | None:
    return world if isinstance(world, World) else None


KINDS: dict[str, Kind] = {
    "world": Kind(World, "World", world_owned=lambda _: True, world_of=_the_world),
    # Archiving a campaign takes it out of every member's list: the owner's decision.
    "campaign": Kind(Campaign, "Campaign", archived_by=MANAGE),
    "location": Kind(Location, "Location", cascade=(Child("location", "parent"),)),
    "party": Kind(
        Party,
        "Party",
        campaign_content=True,
        detach=(("character", "party"),),
        level_field="manual_level_override",
    ),
    "kingdom": Kind(
        Kingdom,
        "Kingdom",
        cascade=(Child("settlement", "kingdom"),),
        campaign_content=True,
        level_field="level",
    ),
    "settlement": Kind(
        Settlement,
        "Settlement",
        cascade=(Child("structure", "settlement"),),
        level_field="level",
        rooms=lambda s: (room("settlement", s.uid),),  # type: ignore[attr-defined]
        event_type=SETTLEMENT_UPDATED,
        event_ids=lambda s: {"settlementId": str(s.uid)},  # type: ignore[attr-defined]
    ),
    "structure": Kind(
        Structure,
        "Structure",
        level_field="level",
        rooms=lambda s: (
            room("structure", s.uid),  # type: ignore[attr-defined]
            room("settlement", s.settlement.uid),  # type: ignore[attr-defined]
        ),
        event_type=STRUCTURE_UPDATED,
        event_ids=lambda s: {
            "structureId": str(s.uid),  # type: ignore[attr-defined]
            "settlementId": str(s.settlement.uid),  # type: ignore[attr-defined]
        },
    ),
    "character": Kind(
        Character,
        "Character",
        campaign_content=True,
        level_field="level",
    ),
    "event": Kind(
        Event,
        "Event",
        cascade=(
            Child("link", "source_event"),
            Child("link", "target_event"),
        ),
        campaign_content=True,
    ),
    "encounter": Kind(
        Encounter,
        "Encounter",
        cascade=(
            Child("link", "source_encounter"),
            Child("link", "target_encounter"),
        ),
        campaign_content=True,
    ),
    "link": Kind(Link, "Link"),
}


def register(key: str, kind: Kind) -> None:
    if key in KINDS:
        raise ValueError(f"The entity kind {key!r} is registered already")
    KINDS[key] = kind


def cascade_to(key: str, *children: Child) -> None:
    """Make a delete of ``key`` entities take ``children`` along too."""
    KINDS[key] = replace(KINDS[key], cascade=(*KINDS[key].cascade, *children))


def campaign_content() -> list[type[VersionedModel]]:
    return [kind.model for kind in KINDS.values() if kind.campaign_content]


def kind_of(instance: models.Model) -> Kind:
    return KINDS[instance.entity_type]  # type: ignore[attr-defined]


def campaign_of(instance: models.Model) -> Campaign | None:
    """The campaign an entity belongs to, or None for worlds and locations (world-scoped)."""
    if isinstance(instance, Campaign):
        return instance
    branch = getattr(instance, "branch", None)
    return branch.campaign if branch is not None else None
