"""The bounding-box prefilter: range conditions on a location's bounding-box columns, which the
indexes on (world, min_x, max_x) and (world, min_y, max_y) serve, in the same SQL on SQLite and
PostgreSQL. A location without geometry has no bounding box and never matches."""

from collections.abc import Iterator
from typing import Any, NamedTuple

from django.db.models import QuerySet

from campaign.geometry import BBox
from campaign.spatial.shapes import Box

BOUNDS = ("min_x", "min_y", "max_x", "max_y")


class Candidate(NamedTuple):
    pk: Any
    name: str  # the row's own name (a settlement's, from a settlement)
    type: str  # the location's type
    geometry: dict[str, Any]
    bounds: BBox


def meeting(query: QuerySet[Any], box: Box, via: str = "") -> QuerySet[Any]:
    """Rows whose bounding box meets ``box``; ``via`` is the path to the location
    (``"location__"`` from a settlement)."""
    return query.filter(
        **{
            f"{via}min_x__lte": box.max_x,
            f"{via}max_x__gte": box.min_x,
            f"{via}min_y__lte": box.max_y,
            f"{via}max_y__gte": box.min_y,
        }
    )


def inside(query: QuerySet[Any], box: Box, via: str = "") -> QuerySet[Any]:
    """Rows whose bounding box lies inside ``box``."""
    return query.filter(
        **{
            f"{via}min_x__gte": box.min_x,
            f"{via}max_x__lte": box.max_x,
            f"{via}min_y__gte": box.min_y,
            f"{via}max_y__lte": box.max_y,
        }
    )


def candidates(query: QuerySet[Any], via: str = "") -> Iterator[Candidate]:
    """Each row's key, name, location type, geometry and bounds, in one query."""
    fields = ("pk", "name", f"{via}type", f"{via}geometry", *(f"{via}{b}" for b in BOUNDS))
    for pk, name, kind, geometry, *bounds in query.values_list(*fields).iterator(chunk_size=2000):
        yield Candidate(pk, name, kind, geometry, (bounds[0], bounds[1], bounds[2], bounds[3]))
