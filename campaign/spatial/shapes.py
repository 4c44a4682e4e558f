"""The shapes a spatial query asks about (a viewport, a circle around a point), checked as input,
and the exact predicates shapely answers for the candidates the bounding-box prefilter found.
Pure: no database."""

import math
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import shapely
from shapely.geometry import shape
from shapely.geometry.base import BaseGeometry

from campaign.geometry import BBox, check_coordinates
from kernel.errors import ValidationError


@dataclass(frozen=True)
class Box:
    min_x: float
    min_y: float
    max_x: float
    max_y: float

    def holds(self, bounds: BBox) -> bool:
        """Whether a geometry with these bounds lies inside the box (edges included)."""
        min_x, min_y, max_x, max_y = bounds
        return (
            self.min_x <= min_x
            and max_x <= self.max_x
            and self.min_y <= min_y
            and max_y <= self.max_y
        )

    def polygon(self) -> BaseGeometry:
        return shapely.box(self.min_x, self.min_y, self.max_x, self.max_y)


@dataclass(frozen=True)
class Circle:
    x: float
    y: float
    radius: float

    @property
    def box(self) -> Box:
        r = self.radius
        return Box(self.x - r, self.y - r, self.x + r, self.y + r)


def viewport(west: float, south: float, east: float, north: float) -> Box:
    """The box between these edges (the input ``bbox``): each a map coordinate, west ≤ east,
    south ≤ north."""
    for name, value in (("west", west), ("south", south), ("east", east), ("north", north)):
        _coordinate(value, f"bbox.{name}")
    box = Box(float(west), float(south), float(east), float(north))
    if box.min_x > box.max_x:
        raise ValidationError(
            f"bbox.west ({box.min_x}) is greater than bbox.east ({box.max_x})", field="bbox.west"
        )
    if box.min_y > box.max_y:
        raise ValidationError(
            f"bbox.south ({box.min_y}) is greater than bbox.north ({box.max_y})",
            field="bbox.south",
        )
    return box


def circle(longitude: float, latitude: float, radius: float) -> Circle:
    """The circle of ``radius`` map units around the input ``point`` (x = longitude,
    y = latitude)."""
    _coordinate(longitude, "point.longitude")
    _coordinate(latitude, "point.latitude")
    if not _finite(radius) or radius <= 0:
        raise ValidationError(
            f"radius must be a positive number of map units, not {radius!r}", field="radius"
        )
    return Circle(float(longitude), float(latitude), float(radius))


def _finite(value: object) -> bool:
    # Callers outside GraphQL (commands, the admin) may hand over anything.
    return isinstance(value, int | float) and not isinstance(value, bool) and math.isfinite(value)


def _coordinate(value: float, field: str) -> None:
    if not _finite(value):
        raise ValidationError(f"{field} must be a finite number, not {value!r}", field=field)
    check_coordinates([value], field, field)


def geometry(geojson: Mapping[str, Any]) -> BaseGeometry:
    return shape(geojson)


def meets(box: Box, geojson: Mapping[str, Any], bounds: BBox) -> bool:
    """Whether the geometry intersects the box. One inside it needs no exact test: only the
    few straddling an edge are read by shapely."""
    return box.holds(bounds) or bool(shapely.intersects(box.polygon(), geometry(geojson)))


def distance(circle: Circle, geojson: Mapping[str, Any], bounds: BBox) -> float:
    """The distance from the circle's centre to the geometry (0 inside a polygon)."""
    if geojson["type"] == "Point":
        return math.hypot(bounds[0] - circle.x, bounds[1] - circle.y)
    return float(shapely.distance(geometry(geojson), shapely.Point(circle.x, circle.y)))


def region(geojson: Mapping[str, Any]) -> BaseGeometry:
    """A region's geometry, prepared for many ``within`` tests."""
    prepared = geometry(geojson)
    shapely.prepare(prepared)
    return prepared


def within(prepared_region: BaseGeometry, geojson: Mapping[str, Any]) -> bool:
    """Whether the geometry lies within the region: on its boundary alone is not within."""
    return bool(prepared_region.contains(geometry(geojson)))


def overlaps(first: Mapping[str, Any], second: Mapping[str, Any]) -> bool:
    """Whether two geometries share part of their interiors without one containing the other:
    identical, merely touching or nested regions do not overlap."""
    return bool(shapely.overlaps(geometry(first), geometry(second)))
