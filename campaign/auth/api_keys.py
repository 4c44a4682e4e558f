"""API keys for services (``x-api-key: camp_sk_<prefix8>_<secret>``).

A key narrows its owner's powers: the Actor it yields carries the key's scopes and optional
campaign, which ``campaign.permissions.require_role`` enforces on every campaign operation.
Only a SHA-256 digest of the key is stored; the raw key is returned once, at creation.
"""

import datetime
import hashlib
import re
import secrets
import uuid
from collections.abc import Iterable
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone

from campaign.actions import entities, fields, history
from campaign.auth import sessions
from campaign.models import ApiKey, Operation
from campaign.permissions import READ
from kernel.actor import Actor
from kernel.errors import AuthenticationError, NotFound, ValidationError

KEY_PREFIX = "camp_sk_"
KEY_FORMAT = re.compile(r"camp_sk_[0-9a-f]{8}_[A-Za-z0-9_-]{43}")
SCOPES = ("read", "write", "admin")
# last_used_at is informational: refreshing it at most once a minute spares a write per request.
LAST_USED_RESOLUTION = datetime.timedelta(minutes=1)
INVALID_KEY = "Invalid API key"


def create_api_key(
    actor: Actor,
    name: str,
    scopes: Iterable[str],
    campaign_id: Any = None,
    expires_at: datetime.datetime | str | None = None,
) -> tuple[ApiKey, str]:
    """A new key and its raw value, which is shown this once and never stored."""
    user = sessions.session_user(actor)
    sessions.check_text(name, "name")
    cleaned_name = fields.name(name, "name")
    cleaned_scopes = _clean_scopes(scopes)
    # A key may only be restricted to a campaign its owner belongs to.
    campaign = (
        entities.load(actor, "campaign", campaign_id, minimum=READ, field="campaignId")
        if campaign_id is not None
        else None
    )
    expiry = fields.moment(expires_at, "expiresAt")
    if expiry is not None and expiry <= timezone.now():
        raise ValidationError("expiresAt must be in the future", field="expiresAt")
    prefix = secrets.token_hex(4)
    raw = f"{KEY_PREFIX}{prefix}_{secrets.token_urlsafe(32)}"
    with transaction.atomic():
        key = ApiKey.objects.create(
            user=user,
            name=cleaned_name,
            prefix=prefix,
            key_hash=_digest(raw),
            scopes=cleaned_scopes,
            campaign=campaign,
            expires_at=expiry,
        )
        _audit(actor, key, Operation.CREATE, previous=None, new=describe(key))
    return key, raw


def list_api_keys(actor: Actor) -> QuerySet[ApiKey]:
    """The actor's keys that are not revoked, newest first (expired ones included, to renew)."""
    user = sessions.session_user(actor)
    return ApiKey.objects.filter(user=user, revoked_at__isnull=True).order_by("-created_at", "-pk")


def revoke_api_key(actor: Actor, key_id: Any) -> ApiKey:
    """Revoke one of the actor's own keys; anyone else's key is reported as not found."""
    user = sessions.session_user(actor)
    missing = NotFound(f"API key {key_id} not found", id=str(key_id))
    try:
        pk = uuid.UUID(str(key_id))
    except ValueError as exc:
        raise missing from exc
    with transaction.atomic():
        key = (
            ApiKey.objects.select_for_update()
            .filter(pk=pk, user=user, revoked_at__isnull=True)
            .first()
        )
        if key is None:
            raise missing
        _revoke(actor, key)
    return key


def revoke_api_keys(actor: Actor, keys: QuerySet[ApiKey]) -> int:
    """Revoke the live ones among ``keys``, whoever owns them: for an operator in the admin
    (who is trusted with every user's credentials). Returns how many were revoked."""
    with transaction.atomic():
        live = list(keys.filter(revoked_at__isnull=True).select_for_update(of=("self",)))
        for key in live:
            _revoke(actor, key)
    return len(live)


def authenticate_api_key(raw: str) -> Actor:
    """The Actor a raw key stands for, limited to the key's scopes and campaign."""
    if not KEY_FORMAT.fullmatch(raw):
        raise AuthenticationError(INVALID_KEY)
    # Looked up by the digest on its unique index. Timing reveals nothing useful: an attacker
    # cannot steer which digest bytes a guess produces.
    key = ApiKey.objects.select_related("user").filter(key_hash=_digest(raw)).first()
    if key is None or not key.user.is_active:
        raise AuthenticationError(INVALID_KEY)
    now = timezone.now()
    if key.revoked_at is not None:
        raise AuthenticationError("API key has been revoked")
    if key.expires_at is not None and key.expires_at <= now:
        raise AuthenticationError("API key has expired")
    if key.last_used_at is None or now - key.last_used_at >= LAST_USED_RESOLUTION:
        ApiKey.objects.filter(pk=key.pk).update(last_used_at=now)
        key.last_used_at = now
    return Actor(
        key.user,
        scopes=frozenset(key.scopes),
        campaign_id=key.campaign_id,
        metadata={"apiKeyId": str(key.pk)},
    )


def _revoke(actor: Actor, key: ApiKey) -> None:
    before = describe(key)
    key.revoked_at = timezone.now()
    key.save(update_fields=["revoked_at"])
    _audit(actor, key, Operation.UPDATE, previous=before, new=describe(key))


def describe(key: ApiKey) -> dict[str, Any]:
    """The public face of a key (camelCase, JSON-ready); never the secret or its digest."""

    def iso(moment: datetime.datetime | None) -> str | None:
        return moment.isoformat() if moment is not None else None

    return {
        "id": str(key.pk),
        "name": key.name,
        "prefix": f"{KEY_PREFIX}{key.prefix}",
        "scopes": list(key.scopes),
        "campaignId": str(key.campaign_id) if key.campaign_id is not None else None,
        "expiresAt": iso(key.expires_at),
        "lastUsedAt": iso(key.last_used_at),
        "createdAt": iso(key.created_at),
        "revokedAt": iso(key.revoked_at),
    }


def _clean_scopes(scopes: Iterable[str]) -> list[str]:
    chosen = list(scopes) if isinstance(scopes, list | tuple | set | frozenset) else []
    if not chosen or not all(isinstance(scope, str) and scope in SCOPES for scope in chosen):
        raise ValidationError(
            f"scopes must be a non-empty list drawn from {', '.join(SCOPES)}", field="scopes"
        )
    return [scope for scope in SCOPES if scope in chosen]


def _digest(raw: str) -> str:
    # SHA-256 suffices: the secret has 256 random bits, so a leaked digest cannot be reversed.
    return hashlib.sha256(raw.encode(errors="surrogatepass")).hexdigest()


def _audit(
    actor: Actor,
    key: ApiKey,
    operation: str,
    *,
    previous: dict[str, Any] | None,
    new: dict[str, Any],
) -> None:
    history.record(
        actor,
        history.Change(
            entity_type="api_key",
            entity_id=str(key.pk),
            operation=operation,
            previous=previous,
            new=new,
            versioned=False,
        ),
    )
