"""Logging: one JSON object per line (``LOG_FORMAT=json``, the default) or a readable line
(``LOG_FORMAT=console``), for the standard library's loggers and structlog's alike, with the
request id and any other bound context merged in. ``config/settings.py`` installs it."""

from typing import Any

import structlog

from observability.request_ids import add_request_id

SHARED_PROCESSORS: list[Any] = [
    add_request_id,
    structlog.contextvars.merge_contextvars,
    structlog.stdlib.add_log_level,
    structlog.stdlib.add_logger_name,
    structlog.processors.TimeStamper(fmt="iso", utc=True),
]


def renderer(log_format: str) -> Any:
    if log_format == "console":
        return structlog.dev.ConsoleRenderer(colors=False)
    return structlog.processors.JSONRenderer()


def configure_structlog() -> None:
    """structlog's own loggers hand their events to the standard library's handlers, so both
    kinds of record come out through the one formatter below."""
    structlog.configure(
        processors=[
            structlog.stdlib.filter_by_level,
            *SHARED_PROCESSORS,
            structlog.processors.StackInfoRenderer(),
            structlog.stdlib.ProcessorFormatter.wrap_for_formatter,
        ],
        logger_factory=structlog.stdlib.LoggerFactory(),
        wrapper_class=structlog.stdlib.BoundLogger,
        cache_logger_on_first_use=True,
    )


def formatter(log_format: str) -> structlog.stdlib.ProcessorFormatter:
    return structlog.stdlib.ProcessorFormatter(
        foreign_pre_chain=SHARED_PROCESSORS,
        processors=[
            structlog.stdlib.ProcessorFormatter.remove_processors_meta,
            structlog.processors.format_exc_info,
            renderer(log_format),
        ],
    )


def logging_config(level: str, log_format: str) -> dict[str, Any]:
    """A ``LOGGING`` dict: every record through structlog's formatter to stderr."""
    return {
        "version": 1,
        "disable_existing_loggers": False,
        "formatters": {
            "structured": {"()": formatter, "log_format": log_format},
        },
        "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "structured"}},
        "root": {"handlers": ["console"], "level": level},
        "loggers": {"django.db.backends": {"level": "INFO"}},
    }
