"""The spatial queries, each: authorize, then answer from the cache, else from the bounding-box
prefilter and shapely's exact predicate. Lists are cut at the caller's ``limit``, nearest (or
first by name) first; soft-deleted and archived locations are left out."""

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

from django.db.models import QuerySet

from campaign.actions import entities
from campaign.models import Branch, Location, LocationType, Settlement, World
from campaign.permissions import READ, readable_campaigns, readable_worlds
from campaign.spatial import index, shapes
from campaign.spatial.cache import remember
from campaign.spatial.shapes import Box, Circle
from kernel import generations
from kernel.actor import Actor
from kernel.errors import NotFound, ValidationError
from kernel.ids import EntityId

# A row's distance (0 when within), name and primary key (as text): hits sort nearest first,
# then by name.
Hit = tuple[float, str, str]


class LocationNear(NamedTuple):
    location: Location
    distance: float


class SettlementNear(NamedTuple):
    settlement: Settlement
    distance: float


@dataclass(frozen=True)
class MapFilter:
    location_types: frozenset[str] | None = None
    # "location" for places without a settlement, "settlement" for places with one.
    entity_types: frozenset[str] | None = None


ENTITY_TYPES = frozenset({"location", "settlement"})


def locations_near(
    actor: Actor, *, circle: Circle, world_id: EntityId | None, limit: int
) -> list[LocationNear]:
    """The live locations within ``circle`` (distance ≤ radius), nearest first, in ``world_id``
    or else in every world the actor reads."""
    worlds = sorted(str(world.pk) for world in _worlds(actor, world_id))
    hits = remember(
        "locations_near",
        [generations.map_key(world) for world in worlds],
        (circle, limit),
        lambda: _near(index.meeting(_map_of(*worlds), circle.box), circle, limit),
    )
    rows = Location.objects.in_bulk([pk for _, _, pk in hits])
    return [LocationNear(rows[pk], distance) for pk, distance in _present(hits, rows)]


def locations_in_region(
    actor: Actor, *, region_id: EntityId, world_id: EntityId | None, limit: int
) -> list[Location]:
    """The live locations within the region (not on its boundary alone), by name."""
    region = _region(actor, region_id, "regionId")
    if world_id is not None and _world(actor, world_id).pk != region.world_id:
        return []
    hits = remember(
        "locations_in_region",
        [generations.map_key(region.world_id)],
        (region.pk, limit),
        lambda: _within(_map_of(region.world_id), region, limit),
    )
    rows = Location.objects.in_bulk([pk for _, _, pk in hits])
    return [rows[pk] for pk, _ in _present(hits, rows)]


def check_region_overlap(actor: Actor, *, region1_id: EntityId, region2_id: EntityId) -> bool:
    """Whether two locations' geometries overlap: share part of their interiors, neither
    containing the other. A location without geometry overlaps nothing."""
    first = _location(actor, region1_id, "region1Id")
    second = _location(actor, region2_id, "region2Id")
    if first.geometry is None or second.geometry is None:
        return False
    return shapes.overlaps(first.geometry, second.geometry)


def settlements_near(
    actor: Actor,
    *,
    circle: Circle,
    world_id: EntityId | None,
    campaign_id: EntityId | None,
    branch_id: EntityId | None,
    limit: int,
) -> list[SettlementNear]:
    """The settlements whose location lies within ``circle``, nearest first: on the given
    campaign's branch (its main branch by default), else on the main branches of the campaigns
    the actor reads."""
    world = _world(actor, world_id) if world_id is not None else None
    branches = _branches(actor, world, campaign_id, branch_id)
    if not branches:
        return []
    hits = remember(
        "settlements_near",
        _depends_on(branches),
        (circle, limit),
        lambda: _near(
            index.meeting(_settlements(branches), circle.box, "location__"),
            circle,
            limit,
            "location__",
        ),
    )
    rows = _settlement_rows(hits)
    return [SettlementNear(rows[pk], distance) for pk, distance in _present(hits, rows)]


def settlements_in_region(
    actor: Actor,
    *,
    region_id: EntityId,
    world_id: EntityId | None,
    campaign_id: EntityId | None,
    branch_id: EntityId | None,
    limit: int,
) -> list[Settlement]:
    """The settlements whose location lies within the region, by name (branches as in
    ``settlements_near``)."""
    region = _region(actor, region_id, "regionId")
    if world_id is not None and _world(actor, world_id).pk != region.world_id:
        return []
    branches = _branches(actor, region.world, campaign_id, branch_id)
    if not branches:
        return []
    hits = remember(
        "settlements_in_region",
        _depends_on(branches),
        (region.pk, limit),
        lambda: _within(_settlements(branches), region, limit, via="location__"),
    )
    rows = _settlement_rows(hits)
    return [rows[pk] for pk, _ in _present(hits, rows)]


def map_layer(
    actor: Actor,
    *,
    world_id: EntityId,
    box: Box,
    filters: MapFilter,
    campaign_id: EntityId | None = None,
    branch_id: EntityId | None = None,
    limit: int,
) -> list[dict[str, Any]]:
    """GeoJSON Features of the world's live locations that meet ``box``, by name: ``id``,
    ``geometry`` and ``properties`` (``name``, ``type``, and ``settlement`` — id, name, level,
    kingdomId — when one stands there on the branch, as in ``settlements_near``)."""
    world = _world(actor, world_id)
    types = sorted(filters.location_types) if filters.location_types is not None else None
    features: list[dict[str, Any]] = remember(
        "map_layer",
        [generations.map_key(world.pk)],
        (world.pk, box, types, limit),
        lambda: _features(world, box, types, limit),
    )
    at = _settlements_at(_branches(actor, world, campaign_id, branch_id), box)
    layer = []
    for feature in features:
        settlement = at.get(feature["id"])
        kind = "settlement" if settlement is not None else "location"
        if filters.entity_types is not None and kind not in filters.entity_types:
            continue
        properties = dict(feature["properties"])
        if settlement is not None:
            properties["settlement"] = settlement
        layer.append({**feature, "properties": properties})
    return layer


def map_filter(
    location_types: Sequence[str] | None,
    entity_types: Sequence[str] | None,
    available_only: bool | None,
    tags: Sequence[str] | None,
) -> MapFilter:
    """The map layer's filters, checked: the original accepted and ignored some of them, which
    answered a filtered question with unfiltered data."""
    for name, values, allowed in (
        ("filters.locationTypes", location_types, frozenset(LocationType.values)),
        ("filters.entityTypes", entity_types, ENTITY_TYPES),
    ):
        unknown = sorted(set(values or ()) - allowed)
        if unknown:
            raise ValidationError(
                f"{name} holds {', '.join(unknown)}; use {', '.join(sorted(allowed))}", field=name
            )
    if available_only:
        raise ValidationError(
            "filters.availableOnly is not supported: locations have no availability",
            field="filters.availableOnly",
        )
    if tags:
        raise ValidationError(
            "filters.tags is not supported: locations have no tags", field="filters.tags"
        )
    return MapFilter(
        location_types=frozenset(location_types) if location_types is not None else None,
        entity_types=frozenset(entity_types) if entity_types is not None else None,
    )


# --- computing answers (cached by the callers) -----------------------------------------------


def _near(parts: Sequence[QuerySet[Any]], circle: Circle, limit: int, via: str = "") -> list[Hit]:
    hits = []
    for row in index.candidates(parts, via):
        distance = shapes.distance(circle, row.geometry, row.bounds)
        if distance <= circle.radius:
            hits.append((distance, row.name, str(row.pk)))
    return _nearest(hits, limit)


def _within(query: QuerySet[Any], region: Location, limit: int, via: str = "") -> list[Hit]:
    """The rows within ``region`` (which has a geometry, see ``_region``) but itself."""
    area = shapes.region(region.geometry or {})
    bounds = Box(*area.bounds)
    parts = index.inside(query.exclude(**{f"{via}pk": region.pk}), bounds, via)
    return _nearest(
        (
            (0.0, row.name, str(row.pk))
            for row in index.candidates(parts, via)
            if shapes.within(area, row.geometry)
        ),
        limit,
    )


def _features(world: World, box: Box, types: list[str] | None, limit: int) -> list[dict[str, Any]]:
    query = _map_of(world.pk)
    if types is not None:
        query = query.filter(type__in=types)
    parts = index.meeting(query, box)
    rows = sorted(
        (row for row in index.candidates(parts) if shapes.meets(box, row.geometry, row.bounds)),
        key=lambda row: (row.name, str(row.pk)),
    )[:limit]
    return [
        {
            "type": "Feature",
            "id": str(row.pk),
            "geometry": row.geometry,
            "properties": {"name": row.name, "type": row.type},
        }
        for row in rows
    ]


# --- scopes and rows --------------------------------------------------------------------------


def _map_of(*worlds: Any) -> QuerySet[Location]:
    """The live, unarchived locations of these worlds (their primary keys)."""
    return Location.objects.filter(world_id__in=worlds).unarchived()


def _settlements(branches: Sequence[Branch]) -> QuerySet[Settlement]:
    return Settlement.objects.filter(
        branch__in=branches,
        location__deleted_at__isnull=True,
        location__archived_at__isnull=True,
    )


def _settlement_rows(hits: Sequence[Hit]) -> dict[str, Settlement]:
    rows = Settlement.objects.filter(pk__in=[pk for _, _, pk in hits]).select_related(
        "branch__campaign", "kingdom"
    )
    return {str(row.pk): row for row in rows}


def _settlements_at(branches: Sequence[Branch], box: Box) -> dict[str, dict[str, Any]]:
    """Per location id, the settlement standing there (the earliest, when several campaigns
    of the world have one), as map properties. Found by the viewport, as the locations were,
    rather than by a list of a thousand location ids."""
    if not branches:
        return {}
    earliest: dict[str, tuple[Any, dict[str, Any]]] = {}
    fields = ("location_id", "created_at", "uid", "name", "level", "kingdom__uid")
    for part in index.meeting(_settlements(branches), box, "location__"):
        for location_id, created_at, uid, name, level, kingdom in part.values_list(*fields):
            key = str(location_id)
            if key not in earliest or created_at < earliest[key][0]:
                properties = {
                    "id": str(uid),
                    "name": name,
                    "level": level,
                    "kingdomId": str(kingdom) if kingdom is not None else None,
                }
                earliest[key] = (created_at, properties)
    return {key: properties for key, (_, properties) in earliest.items()}


def _branches(
    actor: Actor,
    world: World | None,
    campaign_id: EntityId | None,
    branch_id: EntityId | None,
) -> list[Branch]:
    """Whose settlements a query sees: the given branch (of the given campaign, else of the
    campaign it belongs to), or the main branch of the given campaign, or else the main
    branches of the campaigns the actor reads; only in ``world`` (read already) when given."""
    if campaign_id is None and branch_id is not None:
        campaign_id = _campaign_of_branch(branch_id)
        try:
            campaign = entities.load(actor, "campaign", campaign_id, field="branchId")
        except NotFound:
            raise NotFound.entity("branch", branch_id, "branchId") from None
    elif campaign_id is not None:
        campaign = entities.load(actor, "campaign", campaign_id, field="campaignId")
    else:
        campaigns = readable_campaigns(actor)
        if world is not None:
            campaigns = campaigns.filter(world=world)
        return list(
            Branch.objects.filter(campaign__in=campaigns, parent__isnull=True).select_related(
                "campaign"
            )
        )
    branch = entities.resolve_branch(actor, campaign, branch_id, READ)
    if world is not None and world.pk != campaign.world_id:
        return []
    return [branch]


def _campaign_of_branch(branch_id: EntityId) -> Any:
    found = (
        Branch.objects.filter(pk=entities.parse_id(branch_id, "branchId"))
        .values_list("campaign_id", flat=True)
        .first()
    )
    if found is None:
        raise NotFound.entity("branch", branch_id, "branchId")
    return found


def _depends_on(branches: Iterable[Branch]) -> list[str]:
    keys = set()
    for branch in branches:
        keys.add(generations.map_key(branch.campaign.world_id))
        keys.add(generations.key(branch.campaign_id, branch.pk))
    return sorted(keys)


def _worlds(actor: Actor, world_id: EntityId | None) -> list[World]:
    if world_id is not None:
        return [_world(actor, world_id)]
    return list(readable_worlds(actor))


def _world(actor: Actor, world_id: EntityId) -> World:
    world: World = entities.load(actor, "world", world_id, minimum=READ, field="worldId")
    return world


def _location(actor: Actor, location_id: EntityId, field: str) -> Location:
    location: Location = entities.load(actor, "location", location_id, minimum=READ, field=field)
    return location


def _region(actor: Actor, region_id: EntityId, field: str) -> Location:
    region = _location(actor, region_id, field)
    if region.geometry is None:
        raise ValidationError(f"The region {region_id} has no geometry", field=field)
    return region


def _nearest(hits: Iterable[Hit], limit: int) -> list[Hit]:
    return sorted(hits)[:limit]


def _present(hits: Sequence[Hit], rows: dict[Any, Any]) -> list[tuple[Any, float]]:
    """Each hit's key in ``rows`` and its distance, for the rows still there (one deleted since
    the answer was cached is left out)."""
    by_text = {str(key): key for key in rows}
    return [(by_text[pk], distance) for distance, _, pk in hits if pk in by_text]
