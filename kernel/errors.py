"""Domain errors. Every layer raises these; the API layers map each ``code`` to their own shape.

Pure Python on purpose: actions, Celery tasks and commands raise them without importing GraphQL.
"""

from enum import StrEnum
from typing import Any


class ErrorCode(StrEnum):
    BAD_REQUEST = "BAD_REQUEST"
    UNAUTHENTICATED = "UNAUTHENTICATED"
    FORBIDDEN = "FORBIDDEN"
    NOT_FOUND = "NOT_FOUND"
    CONFLICT = "CONFLICT"
    RATE_LIMITED = "RATE_LIMITED"
    SERVICE_UNAVAILABLE = "SERVICE_UNAVAILABLE"
    INTERNAL_SERVER_ERROR = "INTERNAL_SERVER_ERROR"


class DomainError(Exception):
    code: ErrorCode = ErrorCode.INTERNAL_SERVER_ERROR

    def __init__(self, message: str, **extensions: Any) -> None:
        super().__init__(message)
        self.message = message
        self.extensions = {k: v for k, v in extensions.items() if v is not None}


class ValidationError(DomainError):
    """Bad input; ``field`` names the offending input field (dotted for nested values)."""

    code = ErrorCode.BAD_REQUEST

    def __init__(self, message: str, *, field: str | None = None, **extensions: Any) -> None:
        super().__init__(message, field=field, **extensions)
        self.field = field


class AuthenticationError(DomainError):
    code = ErrorCode.UNAUTHENTICATED


class PermissionDenied(DomainError):
    code = ErrorCode.FORBIDDEN


class NotFound(DomainError):
    code = ErrorCode.NOT_FOUND

    @classmethod
    def entity(cls, entity_type: str, entity_id: object, field: str | None = None) -> "NotFound":
        """``field`` names the input that held the id, when the caller passed it in one."""
        return cls(
            f"{entity_type.capitalize()} with ID {entity_id} not found",
            id=str(entity_id),
            field=field,
        )


class Conflict(DomainError):
    """A compare-and-set lost: someone else changed the row since the caller read it."""

    code = ErrorCode.CONFLICT

    def __init__(self, message: str, *, expected_version: int, actual_version: int | None) -> None:
        super().__init__(message, expectedVersion=expected_version, actualVersion=actual_version)
        self.expected_version = expected_version
        self.actual_version = actual_version


class ServiceUnavailable(DomainError):
    """A dependency (PostgreSQL, Redis) is down: nothing is wrong with the request, so the client
    is told to send it again after ``retry_after`` seconds."""

    code = ErrorCode.SERVICE_UNAVAILABLE

    def __init__(self, message: str, *, retry_after: int) -> None:
        super().__init__(message, retryAfter=retry_after)
        self.retry_after = retry_after
