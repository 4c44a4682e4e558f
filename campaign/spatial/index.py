"""The bounding-box prefilter: range conditions on a location's bounding-box columns, served by
the indexes on (world, min_x, max_x), (world, min_y, max_y) and (world, extent), in the same SQL
on SQLite and PostgreSQL. A location without geometry has no bounding box and never matches.

A box meets a question's box when each lies partly on the other's side of every edge. Those are
open-ended conditions (``min_x <= east`` holds for half a world), so the question is asked in two
parts that each close their ranges: features no larger than the question (``extent <= reach``)
start at most ``reach`` before it (``min_x >= west - reach``: a narrow index range), and the few
larger ones are found by their extent. Both parts together are exactly the boxes that meet.
"""

from collections.abc import Iterable, Iterator
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


def meeting(query: QuerySet[Any], box: Box, via: str = "") -> tuple[QuerySet[Any], ...]:
    """The rows whose bounding box meets ``box``, as two queries; ``via`` is the path to the
    location (``"location__"`` from a settlement)."""
    reach = max(box.max_x - box.min_x, box.max_y - box.min_y)
    meets = query.filter(
        **{
            f"{via}min_x__lte": box.max_x,
            f"{via}max_x__gte": box.min_x,
            f"{via}min_y__lte": box.max_y,
            f"{via}max_y__gte": box.min_y,
        }
    )
    no_larger = meets.filter(
        **{
            f"{via}extent__lte": reach,
            f"{via}min_x__gte": box.min_x - reach,
            f"{via}min_y__gte": box.min_y - reach,
        }
    )
    return no_larger, meets.filter(**{f"{via}extent__gt": reach})


def inside(query: QuerySet[Any], box: Box, via: str = "") -> tuple[QuerySet[Any], ...]:
    """The rows whose bounding box lies inside ``box`` (closed ranges already)."""
    return (
        query.filter(
            **{
                f"{via}min_x__gte": box.min_x,
                f"{via}max_x__lte": box.max_x,
                f"{via}min_y__gte": box.min_y,
                f"{via}max_y__lte": box.max_y,
            }
        ),
    )


def candidates(parts: Iterable[QuerySet[Any]], via: str = "") -> Iterator[Candidate]:
    """Each row's key, name, location type, geometry and bounds: one query a part."""
    fields = ("pk", "name", f"{via}type", f"{via}geometry", *(f"{via}{b}" for b in BOUNDS))
    for part in parts:
        # Fetched whole: a server-side cursor (iterator()) would be planned for its first rows.
        for pk, name, kind, geometry, *bounds in part.order_by().values_list(*fields):
            yield Candidate(pk, name, kind, geometry, (bounds[0], bounds[1], bounds[2], bounds[3]))
