"""Sign-up, sign-in and refresh-token rotation: the actions behind /auth and the GraphQL mutations.

Refresh tokens are opaque, one-time and rotated: each use revokes the presented token and issues
its successor in the same *family* (one family per sign-in). Presenting a token that was already
used or revoked means a copy of it is in someone else's hands, so the whole family is revoked and
both the thief and the victim must sign in again.

Every action writes an AuditLog row (entity type "user"); no secret ever goes into it.
"""

import dataclasses
import datetime
import hashlib
import secrets
import uuid
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.contrib.auth import authenticate
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.db.models import QuerySet
from django.utils import timezone

from campaign.actions import fields, history
from campaign.auth import rate_limit, tokens
from campaign.models import Operation, RefreshToken, User
from kernel.actor import Actor
from kernel.errors import AuthenticationError, PermissionDenied, ValidationError

# One message for an unknown e-mail and a wrong password, so that sign-in reveals no accounts.
INVALID_CREDENTIALS = "Invalid email or password"
INVALID_REFRESH_TOKEN = "Invalid refresh token"
REFRESH_TOKEN_REUSED = "Refresh token reuse detected; please sign in again"

LOGIN_ATTEMPTS_PER_MINUTE = 5  # per (IP address, e-mail): guessing one account's password
# Per IP address, whatever the e-mail: spraying one password across many accounts.
LOGIN_ATTEMPTS_PER_IP_PER_MINUTE = 30
REGISTRATIONS_PER_HOUR = 10
MAX_EMAIL_LENGTH = 254  # User.email's column size


@dataclass(frozen=True)
class Client:
    """Where a request comes from: the key for rate limits and the context for audit rows."""

    ip: str
    user_agent: str = ""

    @property
    def metadata(self) -> dict[str, str]:
        return {"ip": self.ip, "userAgent": self.user_agent[:200]}


@dataclass(frozen=True)
class TokenPair:
    access_token: str
    refresh_token: str
    expires_in: int  # seconds until the access token expires
    user: User


def normalise_email(email: Any) -> str:
    return email.strip().lower() if isinstance(email, str) else ""


def check_text(value: Any, field: str) -> None:
    """Refuse a string that cannot be stored or hashed (``fields.storable``): PostgreSQL rejects
    NUL characters, and a lone surrogate (JSON's ``\\ud800`` escape) has no UTF-8 encoding."""
    if isinstance(value, str):
        fields.storable(value, field)


def session_user(actor: Actor) -> User:
    """The user of a signed-in session (Bearer token, admin session), never of an API key.

    Managing sessions and keys is refused to keys, over REST and GraphQL alike: otherwise a
    narrow key could mint itself a broader one, or sign its user out everywhere.
    """
    if actor.user is None or not actor.user.is_authenticated:
        raise AuthenticationError("Authentication required")
    if actor.scopes is not None:
        raise PermissionDenied("This needs a signed-in user (Bearer token), not an API key")
    return actor.user


def register(email: str, password: str, name: str, client: Client) -> TokenPair:
    """Create an account and sign it in."""
    for value, field in ((email, "email"), (password, "password"), (name, "name")):
        check_text(value, field)
    rate_limit.hit("register", client.ip, REGISTRATIONS_PER_HOUR, 3600)
    email = _valid_email(email)
    name = fields.name(name, "name")
    _check_password(password, User(email=email, name=name))
    try:
        with transaction.atomic():
            user = User.objects.create_user(email, password, name=name)
            _audit(
                user,
                user.pk,
                Operation.CREATE,
                client,
                "register",
                new={"id": str(user.pk), "email": user.email, "name": user.name},
            )
            return _start_session(user)
    except IntegrityError as exc:
        # The unique e-mail column decides, so two simultaneous sign-ups cannot both succeed.
        raise ValidationError("A user with this email already exists", field="email") from exc


def throttle_login(email: str, client: Client) -> None:
    """Count one sign-in attempt; ``RateLimited`` past either limit. Every way in (REST, GraphQL,
    the admin site) counts in the same buckets, so none of them is a side door for guessing."""
    rate_limit.hit("login-ip", client.ip, LOGIN_ATTEMPTS_PER_IP_PER_MINUTE, 60)
    rate_limit.hit("login", f"{client.ip}|{normalise_email(email)}", LOGIN_ATTEMPTS_PER_MINUTE, 60)


def login(email: str, password: str, client: Client) -> TokenPair:
    """Check the credentials and open a new session (a new refresh-token family).

    Deliberately not atomic as a whole, and not to be called inside an outer transaction: the
    audit row of a failed attempt must commit although the call then raises.
    """
    check_text(email, "email")
    check_text(password, "password")
    email = normalise_email(email)
    throttle_login(email, client)
    # ModelBackend hashes the password even for an unknown e-mail (so timing reveals nothing)
    # and refuses deactivated users.
    user = authenticate(None, email=email, password=password)
    if not isinstance(user, User):
        known = User.objects.filter(email=email).values_list("pk", flat=True).first()
        _audit(
            None,
            known or "",
            Operation.LOGIN,
            client,
            "login_failed",
            email=email[:MAX_EMAIL_LENGTH],
        )
        raise AuthenticationError(INVALID_CREDENTIALS)
    with transaction.atomic():
        user.last_login = timezone.now()
        user.save(update_fields=["last_login"])
        _audit(user, user.pk, Operation.LOGIN, client, "login")
        return _start_session(user)


def refresh(raw_refresh_token: str, client: Client) -> TokenPair:
    """Exchange a refresh token for a new pair; the presented token is used up."""
    check_text(raw_refresh_token, "refreshToken")
    with transaction.atomic():
        outcome = _rotate(_digest(raw_refresh_token), client)
    # Raised only once the block has committed, so that revoking a reused token's family sticks.
    if isinstance(outcome, AuthenticationError):
        raise outcome
    return outcome


def logout(raw_refresh_token: str, client: Client | None = None) -> bool:
    """Revoke exactly the presented token (this device's session); other sessions live on.

    Holding the token is proof enough to end its session, and an unknown or already revoked
    token is answered the same way (False), so the call is idempotent and no oracle.
    """
    check_text(raw_refresh_token, "refreshToken")
    with transaction.atomic():
        token = (
            RefreshToken.objects.select_for_update(of=("self",))
            .filter(token_hash=_digest(raw_refresh_token), revoked_at__isnull=True)
            .select_related("user")
            .first()
        )
        if token is None:
            return False
        token.revoked_at = timezone.now()
        token.save(update_fields=["revoked_at"])
        _audit(token.user, token.user_id, Operation.UPDATE, client, "logout")
    return True


def logout_all(
    user: User, client: Client | None = None, *, by: Actor | None = None, event: str = "logout_all"
) -> int:
    """Revoke every live refresh token of ``user`` and every access token issued so far;
    returns how many refresh tokens were revoked.

    ``by`` is someone else ending the sessions (an operator changing the user's password or
    deactivating them in the admin); ``event`` then says why, in the audit row.
    """
    with transaction.atomic():
        revoked = _revoke(RefreshToken.objects.filter(user=user))
        user.tokens_valid_after = timezone.now()
        user.save(update_fields=["tokens_valid_after", "updated_at"])
        _audit(user, user.pk, Operation.UPDATE, client, event, by=by, revokedTokens=revoked)
    return revoked


def revoke_refresh_tokens(actor: Actor, tokens: QuerySet[RefreshToken]) -> int:
    """Revoke the live ones among ``tokens`` (an operator in the admin); each revocation is
    audited on its user. Returns how many were revoked."""
    with transaction.atomic():
        live = list(tokens.filter(revoked_at__isnull=True).select_for_update(of=("self",)))
        now = timezone.now()
        for token in live:
            token.revoked_at = now
            token.save(update_fields=["revoked_at"])
            _audit(
                None,
                token.user_id,
                Operation.UPDATE,
                None,
                "refresh_token_revoked",
                by=actor,
                tokenId=str(token.pk),
                family=str(token.family),
            )
    return len(live)


def _rotate(digest: str, client: Client) -> TokenPair | AuthenticationError:
    # The row lock makes two concurrent uses of one token serialise: the second one sees the
    # token revoked and is treated as reuse.
    token = RefreshToken.objects.select_for_update().filter(token_hash=digest).first()
    if token is None:
        return AuthenticationError(INVALID_REFRESH_TOKEN)
    if token.revoked_at is not None:
        revoked = _revoke(RefreshToken.objects.filter(family=token.family))
        _audit(
            None,
            token.user_id,
            Operation.UPDATE,
            client,
            "refresh_token_reuse",
            family=str(token.family),
            revokedTokens=revoked,
        )
        return AuthenticationError(REFRESH_TOKEN_REUSED)
    if token.expires_at <= timezone.now():
        return AuthenticationError("Refresh token expired; please sign in again")
    user = User.objects.filter(pk=token.user_id, is_active=True).first()
    if user is None:
        return AuthenticationError(INVALID_REFRESH_TOKEN)
    _audit(user, user.pk, Operation.LOGIN, client, "refresh")
    return _start_session(user, replacing=token)


def _start_session(user: User, replacing: RefreshToken | None = None) -> TokenPair:
    """A new access token and refresh token: a new family, or the successor of ``replacing``."""
    raw = secrets.token_urlsafe(32)  # 256 random bits
    now = timezone.now()
    successor = RefreshToken.objects.create(
        user=user,
        token_hash=_digest(raw),
        family=replacing.family if replacing is not None else uuid.uuid4(),
        created_at=now,
        expires_at=now + datetime.timedelta(days=settings.JWT_REFRESH_TOKEN_DAYS),
    )
    if replacing is not None:
        replacing.revoked_at = now
        replacing.replaced_by = successor
        replacing.save(update_fields=["revoked_at", "replaced_by"])
    return TokenPair(
        access_token=tokens.issue_access_token(user),
        refresh_token=raw,
        expires_in=int(tokens.access_token_lifetime().total_seconds()),
        user=user,
    )


def _digest(raw: str) -> str:
    # SHA-256, not a slow password hash: the token carries 256 random bits, so its digest cannot
    # be brute-forced, and a deterministic digest allows an indexed lookup by the unique column.
    # "surrogatepass": whatever string arrives hashes (and matches nothing) instead of raising.
    return hashlib.sha256(raw.encode(errors="surrogatepass")).hexdigest()


def _revoke(query: QuerySet[RefreshToken]) -> int:
    return query.filter(revoked_at__isnull=True).update(revoked_at=timezone.now())


def _valid_email(email: Any) -> str:
    normalised = normalise_email(email)
    try:
        validate_email(normalised)
    except DjangoValidationError as exc:
        raise ValidationError("Enter a valid email address", field="email") from exc
    if len(normalised) > MAX_EMAIL_LENGTH:
        raise ValidationError(f"email must be at most {MAX_EMAIL_LENGTH} characters", field="email")
    return normalised


def _check_password(password: Any, user: User) -> None:
    if not isinstance(password, str):
        raise ValidationError("password must be a string", field="password")
    try:
        validate_password(password, user)
    except DjangoValidationError as exc:
        raise ValidationError(
            " ".join(exc.messages), field="password", details=list(exc.messages)
        ) from exc


def _audit(
    user: User | None,
    subject_id: Any,
    operation: str,
    client: Client | None,
    event: str,
    *,
    new: dict[str, Any] | None = None,
    by: Actor | None = None,
    **details: Any,
) -> None:
    """An audit row about user ``subject_id``, by ``user`` or else by the actor ``by``."""
    metadata = {"event": event, **(client.metadata if client else {}), **details}
    if by is not None:
        actor = dataclasses.replace(by, metadata={**by.metadata, **metadata})
    else:
        actor = Actor(user, metadata=metadata)
    history.record(
        actor,
        history.Change(
            entity_type="user",
            entity_id=str(subject_id),
            operation=operation,
            previous=None,
            new=new,
            versioned=False,
        ),
    )
