from typing import Any

from campaign.actions import entities
from campaign.actions import fields as f
from campaign.actor import Actor
from campaign.models import Branch, Link, LinkType
from config.errors import ValidationError

ENDPOINT_TYPES = ("event", "encounter")

FIELDS: dict[str, f.Cleaner] = {
    "source_type": f.choice(ENDPOINT_TYPES),
    "source_id": lambda value, field: value,
    "target_type": f.choice(ENDPOINT_TYPES),
    "target_id": lambda value, field: value,
    "link_type": f.choice(LinkType.values),
    "description": f.text,
}
UPDATABLE = ("link_type", "description")


def clean(data: dict[str, Any], branch: Branch, link: Link | None) -> dict[str, Any]:
    if link is not None:
        fixed = sorted(set(data) - set(UPDATABLE))
        if fixed:
            raise ValidationError(f"A link's {fixed[0]} cannot change", field=fixed[0])
        return f.clean_fields(data, FIELDS)
    cleaned = f.clean_fields(
        data, FIELDS, required=("source_type", "source_id", "target_type", "target_id", "link_type")
    )
    ends = {}
    for end in ("source", "target"):
        kind = cleaned.pop(f"{end}_type")
        ends[f"{end}_{kind}"] = entities.load_related(
            branch, kind, cleaned.pop(f"{end}_id"), f"{end}Id"
        )
    source, target = ends.values()
    if source == target:
        raise ValidationError("A link cannot connect an entity to itself", field="targetId")
    duplicate = Link.objects.filter(branch=branch, link_type=cleaned["link_type"], **ends)
    if duplicate.exists():
        raise ValidationError(
            "A link of this type already exists between these entities", field="linkType"
        )
    return {**cleaned, **ends}


def create_link(actor: Actor, campaign_id: Any, data: dict[str, Any], **options: Any) -> Link:
    return entities.create_in_campaign(actor, Link, campaign_id, data, clean, **options)


def update_link(actor: Actor, link_id: Any, data: dict[str, Any], **options: Any) -> Link:
    return entities.edit(actor, "link", link_id, data, clean, **options)  # type: ignore[no-any-return]


def campaign_of_endpoint(actor: Actor, kind: Any, entity_id: Any, branch_id: Any) -> Any:
    """The campaign a link's source belongs to, for callers that name only the two ends."""
    if kind not in ENDPOINT_TYPES:
        raise ValidationError(
            f"sourceType must be one of {', '.join(ENDPOINT_TYPES)}", field="sourceType"
        )
    source = entities.load(actor, kind, entity_id, branch_id=branch_id, field="sourceId")
    return source.branch.campaign_id
