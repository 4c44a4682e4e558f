"""The entity types rules attach to. Stored lower-case; the API accepts any letter case."""

from django.db import models


class RuleTarget(models.TextChoices):
    SETTLEMENT = "settlement"
    STRUCTURE = "structure"
    KINGDOM = "kingdom"
    PARTY = "party"
    CHARACTER = "character"
    EVENT = "event"
    ENCOUNTER = "encounter"


class Occurrence(models.TextChoices):
    """What conditions and effects hang off: something that happens."""

    EVENT = "event"
    ENCOUNTER = "encounter"
