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

from dataclasses import dataclass
from typing import Any

from campaign.models import Encounter, Event, Link, LinkType, Settlement
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
    found = []
    end = f"target_{entity.entity_type}"
    links = Link.objects.filter(
        branch_id=entity.branch_id,
        link_type__in=(LinkType.PREREQUISITE, LinkType.BLOCKS),
        **{end: entity},
    ).select_related("source_event", "source_encounter")
    for link in links:
        source: Any = link.source
        if link.link_type == LinkType.PREREQUISITE and not is_done(source):
            found.append(
                Obstacle("prerequisite", f"its prerequisite {describe(source)} has not happened")
            )
        elif link.link_type == LinkType.BLOCKS and is_done(source):
            found.append(Obstacle("blocked", f"{describe(source)} has happened and blocks it"))
    for condition in unmet_conditions(entity):
        found.append(Obstacle("condition", f"its condition {condition.name!r} is not met"))
    return found


def unmet_conditions(entity: Occurrence) -> list[Condition]:
    conditions = list(
        Condition.objects.filter(
            branch_id=entity.branch_id,
            target_type=entity.entity_type,
            target_uid=entity.uid,
            is_active=True,
        )
    )
    if not conditions:
        return []
    scope = context(entity)
    unmet = []
    for condition in conditions:
        result = evaluate(condition.expression, scope)
        if not (result.success and result.value):
            unmet.append(condition)
    return unmet


def context(entity: Occurrence) -> dict[str, Any]:
    branch = entity.branch
    settlement = None
    if entity.location_id is not None:
        settlement = Settlement.objects.filter(
            branch=branch, location_id=entity.location_id
        ).first()
    return {
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
