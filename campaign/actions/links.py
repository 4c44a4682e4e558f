import uuid
from collections.abc import Callable, Mapping
from typing import Any, Unpack

from django.db import IntegrityError, transaction

from campaign.actions import entities
from campaign.actions import fields as f
from campaign.models import Branch, Encounter, Event, Link, LinkType
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


# Links that order what they connect (the source happens first): a cycle of them could never
# be resolved (prerequisites) or would never stop (triggers).
ORDERING = (LinkType.PREREQUISITE, LinkType.TRIGGERS)
Node = tuple[str, uuid.UUID]


def _refuse_cycle(branch: Branch, link_type: str, ends: dict[str, Any], link: Link | None) -> None:
    """Refuse a prerequisite or triggers link from source to target when the target already
    leads back to the source through such links, naming the cycle."""
    if link_type not in ORDERING:
        return
    source, target = (_node(end, ends) for end in ("source", "target"))
    edges: dict[Node, list[Node]] = {}
    rows = Link.objects.filter(branch=branch, link_type__in=ORDERING)
    if link is not None:
        rows = rows.exclude(pk=link.pk)
    for row in rows:
        row_ends = _ends(row)
        edges.setdefault(_node("source", row_ends), []).append(_node("target", row_ends))
    path = _path(edges, target, source)
    if path is not None:
        names = [_name(node) for node in [source, *path]]
        raise ValidationError(
            "This link would close a cycle: " + " -> ".join(names), field="targetId"
        )


def _node(end: str, ends: dict[str, Any]) -> Node:
    for kind in ENDPOINT_TYPES:
        value = ends.get(f"{end}_{kind}", ends.get(f"{end}_{kind}_id"))
        if value is not None:
            return kind, getattr(value, "pk", value)
    raise AssertionError(f"a link without a {end}")


def _path(edges: dict[Node, list[Node]], start: Node, goal: Node) -> list[Node] | None:
    """The nodes from ``start`` to ``goal`` along ``edges`` (depth first), if any."""
    stack, seen = [(start, [start])], {start}
    while stack:
        node, path = stack.pop()
        if node == goal:
            return path
        for following in edges.get(node, ()):
            if following not in seen:
                seen.add(following)
                stack.append((following, [*path, following]))
    return None


def _name(node: Node) -> str:
    kind, pk = node
    model = Event if kind == "event" else Encounter
    name = model._base_manager.filter(id=str(pk)).values_list("name", flat=True).first()
    return f"{kind} {name!r}"


def clean(data: dict[str, Any], branch: Branch, link: Link | None) -> dict[str, Any]:
    if link is not None:
        fixed = sorted(set(data) - set(UPDATABLE))
        if fixed:
            raise ValidationError(f"A link's {fixed[0]} cannot change", field=fixed[0])
        cleaned = f.clean_fields(data, FIELDS)
        if "link_type" in cleaned:
            _refuse_duplicate(branch, cleaned["link_type"], _ends(link), link)
            _refuse_cycle(branch, cleaned["link_type"], _ends(link), link)
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
    _refuse_cycle(branch, cleaned["link_type"], ends, None)
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
