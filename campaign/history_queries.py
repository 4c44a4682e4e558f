"""Reading history and the audit trail: shared by the GraphQL API and the audit export."""

import datetime
import uuid
from typing import Any

from django.db.models import QuerySet, Subquery

from campaign.actions.kinds import KINDS
from campaign.models import AuditLog, Campaign
from kernel.actor import Actor
from kernel.errors import ValidationError

SORTABLE = {"timestamp", "operation", "entityType"}
SORT_COLUMNS = {"timestamp": "timestamp", "operation": "operation", "entityType": "entity_type"}


def audit_query(
    query: QuerySet[AuditLog],
    *,
    operations: list[str] | None = None,
    entity_types: list[str] | None = None,
    start: datetime.datetime | None = None,
    end: datetime.datetime | None = None,
    sort_by: str = "timestamp",
    sort_order: str = "desc",
) -> QuerySet[AuditLog]:
    """Filter and order audit rows; entity types and operations match in any letter case."""
    if sort_by not in SORTABLE:
        raise ValidationError(
            f"sortBy must be one of {', '.join(sorted(SORTABLE))}", field="sortBy"
        )
    if sort_order.lower() not in {"asc", "desc"}:
        raise ValidationError("sortOrder must be asc or desc", field="sortOrder")
    if operations:
        query = query.filter(operation__in=[op.upper() for op in operations])
    if entity_types:
        query = query.filter(entity_type__in=[t.lower() for t in entity_types])
    if start is not None:
        query = query.filter(timestamp__gte=start)
    if end is not None:
        query = query.filter(timestamp__lte=through_millisecond(end))
    column = SORT_COLUMNS[sort_by]
    prefix = "-" if sort_order.lower() == "desc" else ""
    return query.order_by(f"{prefix}{column}", f"{prefix}id")


def through_millisecond(end: datetime.datetime) -> datetime.datetime:
    """Timestamps go out with millisecond precision, so an end bound copied from a row's
    timestamp must still include that row: the inclusive bound covers its whole millisecond."""
    return end.replace(microsecond=end.microsecond // 1000 * 1000 + 999)


def own_audit_rows(actor: Actor) -> QuerySet[AuditLog]:
    """The audit rows of the actor's own actions; for an API key restricted to a campaign,
    only those about that campaign (the rest of its user's trail is none of the key's business).
    """
    query = AuditLog.objects.filter(actor=actor.user)
    if actor.campaign_id is not None:
        query = query.filter(campaign_id=actor.campaign_id)
    return query


def entity_campaign(kind_name: str, entity_id: Any) -> Campaign | None:
    """The campaign of an entity, deleted or not, on any branch; None for worlds, locations,
    world-scoped variables (which belong to a world, not a branch) and missing entities.

    Raises a ValidationError for an unknown type or malformed id.
    """
    kind = KINDS.get(kind_name)
    if kind is None:
        raise ValidationError(f"Unknown entity type {kind_name!r}", field="entityType")
    try:
        uid = uuid.UUID(str(entity_id))
    except ValueError as exc:
        raise ValidationError("entityId is not a valid ID", field="entityId") from exc
    # What deciding who may read the history needs of the campaign, and no more: the rest of
    # its row, and the entity's, are not read (issue 15).
    campaigns = Campaign.all_objects.only("id", "owner_id")
    if kind.model is Campaign:
        return campaigns.filter(pk=uid).first()
    if not hasattr(kind.model, "uid"):
        return None
    model: Any = kind.model  # a branch-scoped model: it has the uid checked above
    of_entity = model.all_objects.filter(uid=uid, branch__isnull=False).values("branch__campaign")
    return campaigns.filter(pk=Subquery(of_entity[:1])).first()
