from django.db import models

from kernel.models import BranchScopedEntity, branch_unique_uid


class LinkType(models.TextChoices):
    PREREQUISITE = "prerequisite"
    BLOCKS = "blocks"
    TRIGGERS = "triggers"
    RELATED = "related"


def _exactly_one(a: str, b: str) -> models.Q:
    return models.Q(**{f"{a}__isnull": False, f"{b}__isnull": True}) | models.Q(
        **{f"{a}__isnull": True, f"{b}__isnull": False}
    )


class Link(BranchScopedEntity):
    """A typed edge between two events/encounters: one real foreign key per allowed end."""

    entity_type = "link"

    source_event = models.ForeignKey(
        "campaign.Event", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    source_encounter = models.ForeignKey(
        "campaign.Encounter", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    target_event = models.ForeignKey(
        "campaign.Event", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    target_encounter = models.ForeignKey(
        "campaign.Encounter", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    link_type = models.CharField(max_length=20, choices=LinkType.choices, db_index=True)
    description = models.TextField(blank=True)

    class Meta(BranchScopedEntity.Meta):
        constraints = [
            branch_unique_uid("link"),
            models.CheckConstraint(
                condition=_exactly_one("source_event", "source_encounter"),
                name="link_exactly_one_source",
            ),
            models.CheckConstraint(
                condition=_exactly_one("target_event", "target_encounter"),
                name="link_exactly_one_target",
            ),
            *[
                models.UniqueConstraint(
                    fields=["branch", source, target, "link_type"],
                    condition=models.Q(
                        deleted_at__isnull=True,
                        **{f"{source}__isnull": False, f"{target}__isnull": False},
                    ),
                    name=f"link_live_{source}_{target}_uniq",
                )
                for source in ("source_event", "source_encounter")
                for target in ("target_event", "target_encounter")
            ],
        ]

    def __str__(self) -> str:
        return f"{self.link_type} link {self.uid}"

    @property
    def source(self) -> models.Model:
        return self.source_event or self.source_encounter  # type: ignore[return-value]

    @property
    def target(self) -> models.Model:
        return self.target_event or self.target_encounter  # type: ignore[return-value]
