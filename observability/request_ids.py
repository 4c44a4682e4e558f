"""The request id every log line of a request carries, and every Celery task that request enqueued.

An id a client or nginx sends in ``X-Request-ID`` is kept when it looks like one (so a trace can be
followed from the edge); anything else gets a fresh one. It lives in a context variable of its own
(thread- and task-local), which ``add_request_id`` adds to each log record: setting it costs a
request well under a microsecond. A task's other context (its name and id) goes through
structlog's context variables, merged into records the same way.
"""

import re
import uuid
from contextvars import ContextVar, Token
from typing import Any

import structlog

HEADER = "X-Request-ID"
# Short and printable, so it cannot forge log lines or bloat them.
ACCEPTABLE = re.compile(r"[A-Za-z0-9._:-]{1,128}")

_CURRENT: ContextVar[str | None] = ContextVar("request_id", default=None)


def accept(sent: str | None) -> str:
    if sent and ACCEPTABLE.fullmatch(sent):
        return sent
    return uuid.uuid4().hex


def enter(request_id: str) -> Token[str | None]:
    """For the length of a request: ``leave`` with the token when it ends."""
    return _CURRENT.set(request_id)


def leave(token: Token[str | None]) -> None:
    _CURRENT.reset(token)


def bind(request_id: str, **more: object) -> None:
    """Start a new context (a task's run): the previous one's values are dropped."""
    structlog.contextvars.clear_contextvars()
    structlog.contextvars.bind_contextvars(**more)
    _CURRENT.set(request_id)


def current() -> str | None:
    return _CURRENT.get()


def clear() -> None:
    structlog.contextvars.clear_contextvars()
    _CURRENT.set(None)


def add_request_id(_: Any, __: str, event: dict[str, Any]) -> dict[str, Any]:
    """A structlog processor: the current request id into the record."""
    request_id = _CURRENT.get()
    if request_id is not None:
        event.setdefault("request_id", request_id)
    return event
