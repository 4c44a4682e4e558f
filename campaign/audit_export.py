"""``GET /audit/export`` — the audit trail as CSV or JSON, streamed.

A campaign's trail (``campaignId``) is exported by its owner and GMs; without a campaign, a user
exports their own actions (a campaign-restricted API key: only those in its campaign). Same
filters as the GraphQL audit queries. Rows are read in keyset pages, so an export of a million
rows holds one page in memory. CSV cells that a spreadsheet would run as a formula are
neutralised with a leading apostrophe.

A bad parameter is a JSON 400 before anything is streamed (the first page is read before the
response starts); a failure once the stream has started ends it with an error marker.
"""

import csv
import io
import json
import logging
from collections.abc import AsyncIterator, Iterable, Iterator
from itertools import chain
from typing import Any

from asgiref.sync import sync_to_async
from django.core.handlers.asgi import ASGIRequest
from django.http import HttpRequest, HttpResponse, StreamingHttpResponse
from django.utils import timezone

from campaign import history_shapes
from campaign.actions import entities
from campaign.actions import fields as f
from campaign.auth.request_auth import actor_for_request
from campaign.auth.views import error_response
from campaign.history_queries import audit_query, own_audit_rows
from campaign.models import AuditLog
from campaign.permissions import WRITE
from kernel.errors import AuthenticationError, DomainError, ValidationError
from kernel.snapshots import iso

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
# Under ASGI the export is pulled from a worker thread in pieces of about this many characters.
BATCH_CHARS = 64 * 1024
# The status line has gone out when a stream fails: all it can do is end by saying so. The JSON
# array is left open, so no parser mistakes what came before for the whole export.
CSV_FAILED = "ERROR,The export failed part-way: this file is incomplete\n"
JSON_FAILED = (
    '\n  {"error": {"code": "INTERNAL_SERVER_ERROR",'
    ' "message": "The export failed part-way: this file is incomplete"}}\n'
)

logger = logging.getLogger(__name__)


def pages(query: Any) -> Iterator[list[AuditLog]]:
    """Keyset pages over (timestamp, id), newest first; never an OFFSET scan. At least one."""
    last: tuple[Any, int] | None = None
    while True:
        page_query = query.order_by("-timestamp", "-id")
        if last is not None:
            timestamp, pk = last
            page_query = page_query.filter(timestamp__lte=timestamp).exclude(
                timestamp=timestamp, id__gte=pk
            )
        page = list(page_query[:PAGE])
        yield page
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
        "changes": history_shapes.changes(entry),
        "metadata": entry.metadata,
        "previousState": history_shapes.previous_state(entry),
        "newState": history_shapes.new_state(entry),
        "diff": history_shapes.diff(entry),
        "patch": history_shapes.patch(entry),
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


def ending_with_marker_on_failure(chunks: Iterator[str], marker: str) -> Iterator[str]:
    try:
        yield from chunks
    except Exception:
        logger.exception("The audit export failed while streaming")
        yield marker


async def pulled_in_batches(chunks: Iterator[str]) -> AsyncIterator[str]:
    """``chunks`` for an ASGI server, read in the request's worker thread a batch at a time:
    Django would read a plain iterator into memory whole before sending any of it."""
    next_batch = sync_to_async(_next_batch, thread_sensitive=True)
    more = True
    while more:
        batch, more = await next_batch(chunks)
        if batch:
            yield batch


def _next_batch(chunks: Iterator[str]) -> tuple[str, bool]:
    """The next ``BATCH_CHARS`` or so of ``chunks``, and whether any are left."""
    parts: list[str] = []
    size = 0
    for part in chunks:
        parts.append(part)
        size += len(part)
        if size >= BATCH_CHARS:
            return "".join(parts), True
    return "".join(parts), False


def _filters(request: HttpRequest) -> dict[str, Any]:
    params = request.GET
    for name, values in params.lists():
        for value in values:
            f.storable(value, name)  # the database cannot compare NUL

    def moment(name: str) -> Any:
        return f.moment(params.get(name) or None, name)

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
        remaining = pages(query)
        first = next(remaining)  # a query that fails, fails here: before the response starts
    except DomainError as exc:
        return error_response(exc)
    entries = chain(first, chain.from_iterable(remaining))
    stamp = timezone.now().strftime("%Y-%m-%d")
    if fmt == "csv":
        chunks = ending_with_marker_on_failure(csv_lines(entries), CSV_FAILED)
        content_type = "text/csv; charset=utf-8"
    else:
        chunks = ending_with_marker_on_failure(json_chunks(entries), JSON_FAILED)
        content_type = "application/json; charset=utf-8"
    streamed = pulled_in_batches(chunks) if isinstance(request, ASGIRequest) else chunks
    response = StreamingHttpResponse(streamed, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="audit-log-{stamp}.{fmt}"'
    response["Cache-Control"] = "no-store"
    return response
