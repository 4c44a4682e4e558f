"""GeoJSON geometry on planar map coordinates, validated and measured with shapely (DESIGN §11)."""

from typing import Any

import shapely
from shapely.geometry import shape
from shapely.validation import explain_validity

from config.errors import ValidationError

GEOMETRY_TYPES = {
    "Point",
    "MultiPoint",
    "LineString",
    "MultiLineString",
    "Polygon",
    "MultiPolygon",
}
BBox = tuple[float, float, float, float]


def clean_geometry(value: Any, field: str = "geometry") -> tuple[dict[str, Any], BBox]:
    """Return the geometry as GeoJSON and its bounding box, or raise naming what is wrong."""
    if not isinstance(value, dict):
        raise ValidationError("Geometry must be a GeoJSON object", field=field)
    if value.get("type") == "Feature":
        return clean_geometry(value.get("geometry"), f"{field}.geometry")
    kind = value.get("type")
    if kind not in GEOMETRY_TYPES:
        raise ValidationError(
            f"Unsupported geometry type {kind!r}; use one of {', '.join(sorted(GEOMETRY_TYPES))}",
            field=f"{field}.type",
        )
    if not isinstance(value.get("coordinates"), list):
        raise ValidationError("coordinates must be an array", field=f"{field}.coordinates")
    if kind in {"Polygon", "MultiPolygon"} and not _rings_closed(value):
        raise ValidationError(
            "Every polygon ring must be closed (first and last positions equal)",
            field=f"{field}.coordinates",
        )
    try:
        geometry = shape(value)
    except (ValueError, TypeError, AttributeError, IndexError, shapely.errors.ShapelyError) as exc:
        raise ValidationError(f"Malformed {kind}: {exc}", field=f"{field}.coordinates") from exc
    if geometry.is_empty:
        raise ValidationError(f"The {kind} is empty", field=f"{field}.coordinates")
    if not (abs(shapely.get_coordinates(geometry)) < float("inf")).all():
        raise ValidationError("Coordinates must be finite numbers", field=f"{field}.coordinates")
    if not geometry.is_valid:
        raise ValidationError(
            f"Invalid {kind}: {explain_validity(geometry)}", field=f"{field}.coordinates"
        )
    min_x, min_y, max_x, max_y = geometry.bounds
    return {"type": kind, "coordinates": value["coordinates"]}, (min_x, min_y, max_x, max_y)


def _rings_closed(value: dict[str, Any]) -> bool:
    polygons = [value["coordinates"]] if value["type"] == "Polygon" else value["coordinates"]
    return all(
        isinstance(polygon, list)
        and all(
            isinstance(ring, list) and len(ring) >= 4 and ring[0] == ring[-1] for ring in polygon
        )
        for polygon in polygons
    )
