from django.db import models

from kernel.models import GlobalEntity


class LocationType(models.TextChoices):
    POINT = "point"
    REGION = "region"


class Location(GlobalEntity):
    """A place on a world's map: GeoJSON geometry in planar map coordinates.

    The bounding-box columns (and the box's extent) are derived from the geometry on every write,
    so spatial queries can prefilter with an index before shapely answers the exact predicate.
    """

    entity_type = "location"

    world = models.ForeignKey("campaign.World", on_delete=models.PROTECT, related_name="locations")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="children"
    )
    type = models.CharField(max_length=10, choices=LocationType.choices, db_index=True)
    name = models.CharField(max_length=200, blank=True)
    description = models.TextField(blank=True)
    geometry = models.JSONField(null=True, blank=True)
    min_x = models.FloatField(null=True, blank=True)
    min_y = models.FloatField(null=True, blank=True)
    max_x = models.FloatField(null=True, blank=True)
    max_y = models.FloatField(null=True, blank=True)
    # The bounding box's larger side: spatial queries bound their index ranges by it (a feature
    # no larger than the question reaches only so far) and look up larger ones by it.
    extent = models.FloatField(null=True, blank=True)

    class Meta(GlobalEntity.Meta):
        ordering = ["name"]
        indexes = [
            models.Index(fields=["world", "min_x", "max_x"]),
            models.Index(fields=["world", "min_y", "max_y"]),
            models.Index(fields=["world", "extent"]),
        ]

    def __str__(self) -> str:
        return self.name or f"{self.type} {self.id}"
