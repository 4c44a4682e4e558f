"""GeoJSON geometry on planar map coordinates, validated and measured with shapely."""

import math
from typing import Any

import shapely
from shapely.geometry import shape
from shapely.validation import explain_validity

from kernel.errors import ValidationError

# Each geometry type's coordinates: positions nested this many arrays deep (a Point's
# coordinates are one position; a MultiPolygon's, polygons of rings of positions).
GEOMETRY_DEPTHS = {
    "Point": 0,
    "MultiPoint": 1,
    "LineString": 1,
    "MultiLineString": 2,
    "Polygon": 2,
    "MultiPolygon": 3,
}
GEOMETRY_TYPES = frozenset(GEOMETRY_DEPTHS)
SHAPES = {
    "Point": "one position [x, y]",
    "MultiPoint": "an array of positions",
    "LineString": "an array of positions",
    "MultiLineString": "an array of lines (arrays of positions)",
    "Polygon": "an array of rings (arrays of positions)",
    "MultiPolygon": "an array of polygons (arrays of rings of positions)",
}
BBox = tuple[float, float, float, float]
# Map coordinates lie within ±LIMIT: room for any fictional plane (or Web Mercator metres), and
# areas and distances of such coordinates stay far from overflowing a double.
COORDINATE_LIMIT = 1e9
# Vertices of one geometry (and parts or rings at each level of nesting): a map feature needs
# far fewer, and the checks below stop counting here, so a huge document costs little to refuse.
MAX_POSITIONS = 10_000


def clean_geometry(value: Any, field: str = "geometry") -> tuple[dict[str, Any], BBox]:
    """Return the geometry as GeoJSON and its bounding box, or raise naming what is wrong."""
    if not isinstance(value, dict):
        raise ValidationError("Geometry must be a GeoJSON object", field=field)
    if value.get("type") == "Feature":
        # A Feature holds a geometry, never another Feature.
        field = f"{field}.geometry"
        value = value.get("geometry")
        if not isinstance(value, dict) or value.get("type") == "Feature":
            raise ValidationError("A Feature's geometry must be a GeoJSON geometry", field=field)
    kind = value.get("type")
    if not isinstance(kind, str) or kind not in GEOMETRY_TYPES:
        raise ValidationError(
            f"Unsupported geometry type; use one of {', '.join(sorted(GEOMETRY_TYPES))}",
            field=f"{field}.type",
        )
    coordinates = value.get("coordinates")
    if not isinstance(coordinates, list):
        raise ValidationError("coordinates must be an array", field=f"{field}.coordinates")
    _check_coordinates(kind, coordinates, f"{field}.coordinates")
    lines = {"LineString": [coordinates], "MultiLineString": coordinates}.get(kind, [])
    if any(len(line) < 2 for line in lines):
        raise ValidationError("A line needs at least 2 positions", field=f"{field}.coordinates")
    if kind in {"Polygon", "MultiPolygon"} and not _rings_closed(kind, coordinates):
        raise ValidationError(
            "Every polygon ring must be closed (first and last positions equal)",
            field=f"{field}.coordinates",
        )
    try:
        geometry = shape({"type": kind, "coordinates": coordinates})
    except (ValueError, TypeError, AttributeError, IndexError, shapely.errors.ShapelyError) as exc:
        raise ValidationError(
            f"Malformed {kind}: its coordinates do not form a {kind}",
            field=f"{field}.coordinates",
        ) from exc
    if geometry.is_empty:
        raise ValidationError(f"The {kind} is empty", field=f"{field}.coordinates")
    if not geometry.is_valid:
        raise ValidationError(
            f"Invalid {kind}: {explain_validity(geometry)}", field=f"{field}.coordinates"
        )
    min_x, min_y, max_x, max_y = geometry.bounds
    return {"type": kind, "coordinates": coordinates}, (min_x, min_y, max_x, max_y)


def _check_coordinates(kind: str, coordinates: list[Any], field: str) -> None:
    """Refuse coordinates that are not positions nested as ``kind`` needs, before shapely (which
    would coerce strings and booleans to numbers, or read ``[[1, 2]]`` as a Point)."""
    expected = f"a {kind}'s coordinates are {SHAPES[kind]}"
    level: list[tuple[Any, str]] = [(coordinates, "coordinates")]
    for _ in range(GEOMETRY_DEPTHS[kind]):
        deeper: list[tuple[Any, str]] = []
        for item, where in level:
            if not isinstance(item, list):
                raise ValidationError(f"{where} must be an array ({expected})", field=field)
            if len(deeper) + len(item) > MAX_POSITIONS:
                raise ValidationError(
                    f"The {kind} has more than {MAX_POSITIONS:,} positions or parts; simplify it",
                    field=field,
                )
            deeper += [(child, f"{where}[{index}]") for index, child in enumerate(item)]
        level = deeper
    for position, where in level:
        if not _is_position(position):
            raise ValidationError(
                f"{where} must be a position, an array of 2 or 3 finite numbers ({expected})",
                field=field,
            )
        check_coordinates(position, f"{where} of the {kind}", field)


def check_coordinates(numbers: list[float], what: str, field: str) -> None:
    """Refuse map coordinates beyond ±COORDINATE_LIMIT (finite numbers, checked already)."""
    if any(abs(number) > COORDINATE_LIMIT for number in numbers):
        raise ValidationError(
            f"{what} lies outside the map: coordinates must be within ±{COORDINATE_LIMIT:,.0f}",
            field=field,
        )


def _is_position(value: Any) -> bool:
    return (
        isinstance(value, list)
        and 2 <= len(value) <= 3
        and all(_is_coordinate(number) for number in value)
    )


def _is_coordinate(value: Any) -> bool:
    if not isinstance(value, int | float) or isinstance(value, bool):
        return False
    try:
        return math.isfinite(value)
    except OverflowError:  # an int too large for a float
        return False


def _rings_closed(kind: str, coordinates: list[Any]) -> bool:
    polygons = [coordinates] if kind == "Polygon" else coordinates
    return all(len(ring) >= 4 and ring[0] == ring[-1] for polygon in polygons for ring in polygon)
