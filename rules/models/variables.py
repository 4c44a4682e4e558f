import uuid

from django.conf import settings
from django.db import models

from kernel.models import VersionedModel


class VariableScope(models.TextChoices):
    WORLD = "world"
    CAMPAIGN = "campaign"
    PARTY = "party"
    KINGDOM = "kingdom"
    SETTLEMENT = "settlement"
    STRUCTURE = "structure"
    CHARACTER = "character"
    LOCATION = "location"
    EVENT = "event"
    ENCOUNTER = "encounter"


class VariableType(models.TextChoices):
    STRING = "string"
    INTEGER = "integer"
    FLOAT = "float"
    BOOLEAN = "boolean"
    JSON = "json"
    DERIVED = "derived"


class StateVariable(VersionedModel):
    """A named value of the world, a campaign or one of its entities.

    Stored variables hold a ``value`` of their declared type; derived ones compute it from a
    JSONLogic ``formula`` that may read other variables (``var.<key>``). World-scoped variables
    belong to a world and to no branch; every other scope lives on a campaign branch.
    """

    entity_type = "state_variable"

    uid = models.UUIDField(default=uuid.uuid4, editable=False, db_index=True)
    branch = models.ForeignKey(
        "campaign.Branch", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    scope = models.CharField(max_length=20, choices=VariableScope.choices)
    scope_uid = models.UUIDField(help_text="The world, campaign or entity the variable belongs to")
    key = models.CharField(max_length=100)
    type = models.CharField(max_length=10, choices=VariableType.choices)
    value = models.JSONField(null=True, blank=True)
    formula = models.JSONField(null=True, blank=True)
    description = models.TextField(blank=True)
    is_active = models.BooleanField(default=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta(VersionedModel.Meta):
        ordering = ["key"]
        constraints = [
            models.UniqueConstraint(fields=["branch", "uid"], name="statevariable_branch_uid_uniq"),
            models.UniqueConstraint(
                fields=["branch", "scope", "scope_uid", "key"],
                condition=models.Q(deleted_at__isnull=True, branch__isnull=False),
                name="statevariable_live_key_uniq",
            ),
            models.UniqueConstraint(
                fields=["scope_uid", "key"],
                condition=models.Q(deleted_at__isnull=True, branch__isnull=True),
                name="statevariable_live_world_key_uniq",
            ),
            models.CheckConstraint(
                condition=models.Q(scope="world", branch__isnull=True)
                | (~models.Q(scope="world") & models.Q(branch__isnull=False)),
                name="statevariable_world_has_no_branch",
            ),
            models.CheckConstraint(
                condition=(models.Q(type="derived") & models.Q(formula__isnull=False))
                | ~models.Q(type="derived"),
                name="statevariable_derived_has_formula",
            ),
        ]
        indexes = [models.Index(fields=["branch", "scope", "scope_uid", "is_active"])]

    def __str__(self) -> str:
        return f"{self.scope}:{self.key}"

    @property
    def public_id(self) -> str:
        return str(self.uid)
