"""Who performs an action, and why: carried into permission checks, history and the audit log."""

from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    # The user model is the campaign domain's; the kernel only carries it.
    from campaign.models import User


@dataclass(frozen=True)
class Actor:
    user: "User | None"
    reason: str = ""
    metadata: dict[str, Any] = field(default_factory=dict)
    # Scheduled jobs and operator commands act for the system, not for a campaign member.
    is_system: bool = False
    # An API key narrows what its user may do: its scopes ("read", "write", "admin") and,
    # optionally, the one campaign it is restricted to. None means a full user session.
    scopes: frozenset[str] | None = None
    campaign_id: Any = None

    @classmethod
    def system(cls, reason: str = "") -> "Actor":
        return cls(user=None, reason=reason, is_system=True)

    @property
    def user_id(self) -> Any:
        return self.user.pk if self.user is not None else None
