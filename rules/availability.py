"""Whether an event or encounter may happen now: its links and its availability conditions.

What stands in the way of resolving one (``obstacles``):

* a ``prerequisite`` link whose source is not yet completed or resolved;
* a ``blocks`` link whose source is already completed or resolved (the source prevents it);
* an active availability condition (``Condition``) that is not true in its context.

A condition sees (original-rules.md §5, option b)::

    {"event" | "encounter": {"id", "name", "description", "variables", "scheduledAt"},
     "campaign": {"id", "name"}, "worldTime": "…Z" | null,
     "settlement": {"id", "name", "level", "variables"} | null,   # at its location
     "variables": <that settlement's variables, else {}>}
"""

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from campaign.models import Branch, Encounter, Event, Link, LinkType, Settlement
from kernel.snapshots import iso
from rules.evaluation import evaluate
from rules.models import Condition

Occurrence = Event | Encounter


def is_done(entity: Occurrence) -> bool:
    return entity.is_completed if isinstance(entity, Event) else entity.is_resolved


def describe(entity: Occurrence) -> str:
    return f"{entity.entity_type} {entity.name!r} ({entity.uid})"


@dataclass(frozen=True)
class Obstacle:
    """Why an event or encounter cannot be resolved now."""

    kind: str  # prerequisite, blocked or condition
    message: str


def obstacles(entity: Occurrence) -> list[Obstacle]:
    return obstacles_of([entity])[0]


def obstacles_of(occurrences: Sequence[Occurrence]) -> list[list[Obstacle]]:
    """What stands in the way of each of ``occurrences`` (one branch's or several), in order,
    with a constant number of queries."""
    found: dict[tuple[str, Any], list[Obstacle]] = {_key(o): [] for o in occurrences}
    for kind in ("event", "encounter"):
        ends = [o for o in occurrences if o.entity_type == kind]
        if not ends:
            continue
        links = Link.objects.filter(
            link_type__in=(LinkType.PREREQUISITE, LinkType.BLOCKS),
            **{f"target_{kind}__in": ends},
        ).select_related("source_event", "source_encounter")
        for link in links:
            source: Any = link.source
            obstacle = None
            if link.link_type == LinkType.PREREQUISITE and not is_done(source):
                obstacle = Obstacle(
                    "prerequisite", f"its prerequisite {describe(source)} has not happened"
                )
            elif link.link_type == LinkType.BLOCKS and is_done(source):
                obstacle = Obstacle("blocked", f"{describe(source)} has happened and blocks it")
            if obstacle is not None:
                found[(kind, getattr(link, f"target_{kind}_id"))].append(obstacle)
    for occurrence, condition in _unmet_conditions(occurrences):
        found[_key(occurrence)].append(
            Obstacle("condition", f"its condition {condition.name!r} is not met")
        )
    return [found[_key(o)] for o in occurrences]


def _key(occurrence: Occurrence) -> tuple[str, Any]:
    return occurrence.entity_type, occurrence.pk


def _unmet_conditions(occurrences: Sequence[Occurrence]) -> list[tuple[Occurrence, Condition]]:
    by_uid = {(o.branch_id, o.entity_type, o.uid): o for o in occurrences}
    conditions = Condition.objects.filter(
        branch_id__in={o.branch_id for o in occurrences},
        target_uid__in={o.uid for o in occurrences},
        is_active=True,
    )
    pairs = [
        (by_uid[key], c)
        for c in conditions
        if (key := (c.branch_id, c.target_type, c.target_uid)) in by_uid
    ]
    if not pairs:
        return []
    scopes = contexts([o for o, _ in pairs])
    unmet = []
    for occurrence, condition in pairs:
        result = evaluate(condition.expression, scopes[_key(occurrence)])
        if not (result.success and result.value):
            unmet.append((occurrence, condition))
    return unmet


def contexts(occurrences: Sequence[Occurrence]) -> dict[tuple[str, Any], dict[str, Any]]:
    """The context each of ``occurrences`` is evaluated in (see the module's doc)."""
    located = Settlement.objects.filter(
        branch_id__in={o.branch_id for o in occurrences},
        location_id__in={o.location_id for o in occurrences if o.location_id is not None},
    )
    settlements = {(s.branch_id, s.location_id): s for s in located}
    branches = Branch.objects.select_related("campaign").in_bulk({o.branch_id for o in occurrences})
    scopes = {}
    for entity in occurrences:
        branch = branches[entity.branch_id]
        settlement = settlements.get((entity.branch_id, entity.location_id))
        scopes[_key(entity)] = {
            entity.entity_type: {
                "id": str(entity.uid),
                "name": entity.name,
                "description": entity.description,
                "variables": entity.variables,
                "scheduledAt": iso(entity.scheduled_at),
            },
            "campaign": {"id": str(branch.campaign_id), "name": branch.campaign.name},
            "worldTime": iso(branch.current_world_time),
            "settlement": None
            if settlement is None
            else {
                "id": str(settlement.uid),
                "name": settlement.name,
                "level": settlement.level,
                "variables": settlement.variables,
            },
            "variables": settlement.variables if settlement is not None else {},
        }
    return scopes
