import uuid
from collections.abc import Callable, Mapping
from typing import Any, Unpack

from django.db import IntegrityError, transaction

from campaign.actions import entities
from campaign.actions import fields as f
from campaign.models import Branch, Link, LinkType
from kernel.actor import Actor
from kernel.errors import ValidationError
from kernel.ids import EntityId

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


def _refuse_duplicate(branch: Branch, link_type: str, ends: dict[str, Any], link: Any) -> None:
    duplicate = Link.objects.filter(branch=branch, link_type=link_type, **ends)
    if link is not None:
        duplicate = duplicate.exclude(pk=link.pk)
    if duplicate.exists():
        raise ValidationError(
            "A link of this type already exists between these entities", field="linkType"
        )


def clean(data: dict[str, Any], branch: Branch, link: Link | None) -> dict[str, Any]:
    if link is not None:
        fixed = sorted(set(data) - set(UPDATABLE))
        if fixed:
            raise ValidationError(f"A link's {fixed[0]} cannot change", field=fixed[0])
        cleaned = f.clean_fields(data, FIELDS)
        if "link_type" in cleaned:
            _refuse_duplicate(branch, cleaned["link_type"], _ends(link), link)
        return cleaned
    cleaned = f.clean_fields(
        data, FIELDS, required=("source_type", "source_id", "target_type", "target_id", "link_type")
    )
    ends = {}
    for end in ("source", "target"):
        kind = cleaned.pop(f"{end}_type")
        ends[f"{end}_{kind}"] = entities.load_related(
            branch, kind, cleaned.pop(f"{end}_id"), f"{end}Id", lock=True
        )
    source, target = ends.values()
    if source == target:
        raise ValidationError("A link cannot connect an entity to itself", field="targetId")
    _refuse_duplicate(branch, cleaned["link_type"], ends, None)
    return {**cleaned, **ends}


def _ends(link: Link) -> dict[str, Any]:
    return {
        f"{end}_{kind}_id": getattr(link, f"{end}_{kind}_id")
        for end in ("source", "target")
        for kind in ENDPOINT_TYPES
        if getattr(link, f"{end}_{kind}_id") is not None
    }


def _saved(save: Callable[[entities.Clean[Link]], Link], data: Mapping[str, object]) -> Link:
    """``save(clean)`` in a savepoint. A concurrent request that made the same link after our
    check fails the unique index: answered with the check's refusal, by checking again."""
    seen: list[tuple[Branch, Link | None]] = []

    def recording(data: dict[str, Any], branch: Branch, link: Link | None) -> dict[str, Any]:
        seen.append((branch, link))
        return clean(data, branch, link)

    try:
        with transaction.atomic():
            return save(recording)
    except IntegrityError:
        with transaction.atomic():  # cleaning locks the two ends again
            for branch, link in seen[:1]:
                clean(dict(data), branch, link)
        raise


def create_link(
    actor: Actor,
    *,
    campaign_id: EntityId,
    data: Mapping[str, object],
    **options: Unpack[entities.Placement],
) -> Link:
    return _saved(
        lambda c: entities.create_in_campaign(
            actor, model=Link, campaign_id=campaign_id, data=data, clean=c, **options
        ),
        data,
    )


def update_link(
    actor: Actor,
    *,
    link_id: EntityId,
    data: Mapping[str, object],
    **options: Unpack[entities.Routing],
) -> Link:
    return _saved(
        lambda c: entities.edit(
            actor, model=Link, entity_id=link_id, data=data, clean=c, **options
        ),
        data,
    )


def campaign_of_endpoint(
    actor: Actor, kind: object, entity_id: EntityId | None, branch_id: EntityId | None
) -> uuid.UUID:
    """The campaign a link's source belongs to, for callers that name only the two ends."""
    if kind not in ENDPOINT_TYPES:
        raise ValidationError(
            f"sourceType must be one of {', '.join(ENDPOINT_TYPES)}", field="sourceType"
        )
    source = entities.load(actor, kind, entity_id, branch_id=branch_id, field="sourceId")
    return source.branch.campaign_id
