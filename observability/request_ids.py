"""The request id every log line of a request carries, and every Celery task that request enqueued.

An id a client or nginx sends in ``X-Request-ID`` is kept when it looks like one (so a trace can be
followed from the edge); anything else gets a fresh one. It lives in structlog's context
variables, which the log formatter merges into each record, thread- and task-local.
"""

import re
import uuid

import structlog

HEADER = "X-Request-ID"
# Short and printable, so it cannot forge log lines or bloat them.
ACCEPTABLE = re.compile(r"[A-Za-z0-9._:-]{1,128}")


def accept(sent: str | None) -> str:
    if sent and ACCEPTABLE.fullmatch(sent):
        return sent
    return uuid.uuid4().hex


def bind(request_id: str, **more: object) -> None:
    """Start a new context: the previous request's or task's values are dropped."""
    structlog.contextvars.clear_contextvars()
    structlog.contextvars.bind_contextvars(request_id=request_id, **more)


def current() -> str | None:
    value = structlog.contextvars.get_contextvars().get("request_id")
    return value if isinstance(value, str) else None


def clear() -> None:
    structlog.contextvars.clear_contextvars()
