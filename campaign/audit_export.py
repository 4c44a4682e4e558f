"""``GET /audit/export`` — the audit trail as CSV or JSON, streamed.

A campaign's trail (``campaignId``) is exported by its owner and GMs; without a campaign, a user
exports their own actions (a campaign-restricted API key: only those in its campaign). Same
filters as the GraphQL audit queries. Rows are read in keyset pages, so an export of a million
rows holds one page in memory. CSV cells that a spreadsheet would run as a formula are
neutralised with a leading apostrophe.
"""

import csv
import io
import json
from collections.abc import Iterable, Iterator
from typing import Any

from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.utils import timezone

from campaign.actions import entities
from campaign.auth.request_auth import actor_for_request
from campaign.auth.views import error_response
from campaign.history_queries import audit_query, own_audit_rows
from campaign.models import AuditLog
from campaign.permissions import WRITE
from campaign.snapshots import iso
from config.errors import AuthenticationError, DomainError, ValidationError
from config.graphql.scalars import parse_datetime

COLUMNS = (
    "Timestamp",
    "User ID",
    "Entity Type",
    "Entity ID",
    "Operation",
    "Reason",
    "Previous State",
    "New State",
    "Diff",
)
PAGE = 500
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")


def rows(query: Any) -> Iterator[AuditLog]:
    """Keyset pages over (timestamp, id), newest first; never an OFFSET scan."""
    last: tuple[Any, int] | None = None
    while True:
        page_query = query.order_by("-timestamp", "-id")
        if last is not None:
            timestamp, pk = last
            page_query = page_query.filter(timestamp__lte=timestamp).exclude(
                timestamp=timestamp, id__gte=pk
            )
        page = list(page_query[:PAGE])
        yield from page
        if len(page) < PAGE:
            return
        last = (page[-1].timestamp, page[-1].pk)


def safe_cell(value: str) -> str:
    return f"'{value}" if value.startswith(FORMULA_PREFIXES) else value


def as_json_text(value: Any) -> str:
    return "" if value is None else json.dumps(value, separators=(",", ":"))


def record(entry: AuditLog) -> dict[str, Any]:
    return {
        "id": str(entry.pk),
        "timestamp": iso(entry.timestamp),
        "userId": str(entry.actor_id) if entry.actor_id else "system",
        "entityType": entry.entity_type,
        "entityId": entry.entity_id,
        "operation": entry.operation,
        "reason": entry.reason or None,
        "changes": entry.changes,
        "metadata": entry.metadata,
        "previousState": entry.previous_state,
        "newState": entry.new_state,
        "diff": entry.diff,
    }


def csv_lines(entries: Iterable[AuditLog]) -> Iterator[str]:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")

    def flush() -> str:
        text = buffer.getvalue()
        buffer.seek(0)
        buffer.truncate()
        return text

    writer.writerow(COLUMNS)
    yield "\ufeff" + flush()
    for entry in entries:
        item = record(entry)
        writer.writerow(
            [
                item["timestamp"],
                item["userId"],
                item["entityType"],
                item["entityId"],
                item["operation"],
                safe_cell(item["reason"] or ""),
                safe_cell(as_json_text(item["previousState"])),
                safe_cell(as_json_text(item["newState"])),
                safe_cell(as_json_text(item["diff"])),
            ]
        )
        yield flush()


def json_chunks(entries: Iterable[AuditLog]) -> Iterator[str]:
    yield "["
    for index, entry in enumerate(entries):
        yield ("," if index else "") + "\n  " + json.dumps(record(entry))
    yield "\n]\n"


def _filters(request: HttpRequest) -> dict[str, Any]:
    params = request.GET

    def moment(name: str) -> Any:
        if not params.get(name):
            return None
        try:
            return parse_datetime(params[name])
        except Exception as exc:
            raise ValidationError(f"{name} must be an ISO-8601 date-time", field=name) from exc

    def listed(name: str) -> list[str] | None:
        values = [v for item in params.getlist(name) for v in item.split(",") if v]
        return values or None

    return {
        "operations": listed("operations"),
        "entity_types": listed("entityTypes"),
        "start": moment("startDate"),
        "end": moment("endDate"),
        "sort_order": "desc",
    }


def export(request: HttpRequest) -> HttpResponse | StreamingHttpResponse:
    if request.method != "GET":
        return error_response(ValidationError("Use GET"), status=405)
    try:
        actor = actor_for_request(request)
        if actor.user is None:
            raise AuthenticationError("Authentication required")
        fmt = request.GET.get("format", "csv")
        if fmt not in {"csv", "json"}:
            raise ValidationError("format must be csv or json", field="format")
        campaign_id = request.GET.get("campaignId")
        if campaign_id:
            # Exporting a campaign's trail needs the audit:export permission: owner or GM.
            campaign = entities.load(
                actor, "campaign", campaign_id, minimum=WRITE, field="campaignId"
            )
            base = AuditLog.objects.filter(campaign=campaign)
        else:
            # A campaign-restricted API key exports only its own campaign's part of the trail.
            base = own_audit_rows(actor)
        query = audit_query(base, **_filters(request))
    except DomainError as exc:
        return error_response(exc)
    stamp = timezone.now().strftime("%Y-%m-%d")
    if fmt == "csv":
        response = StreamingHttpResponse(
            csv_lines(rows(query)), content_type="text/csv; charset=utf-8"
        )
    else:
        response = StreamingHttpResponse(
            json_chunks(rows(query)), content_type="application/json; charset=utf-8"
        )
    response["Content-Disposition"] = f'attachment; filename="audit-log-{stamp}.{fmt}"'
    response["Cache-Control"] = "no-store"
    return response
