"""Access tokens, refresh-token rotation and the session actions, below the HTTP layer."""

import base64
import datetime
import hashlib
import json
import time
import uuid
from typing import Any

import jwt
import pytest
from django.conf import settings
from django.utils import timezone

from campaign.auth import rate_limit, sessions, tokens
from campaign.auth.rate_limit import RateLimited
from campaign.models import AuditLog, Operation, RefreshToken, User
from kernel.errors import AuthenticationError, ValidationError
from tests.conftest import Personas

PASSWORD = "correct horse battery staple"  # the personas' password (tests/conftest.py)
ORIGIN = sessions.Client(ip="203.0.113.7", user_agent="pytest")


def sha256(raw: str) -> str:
    return hashlib.sha256(raw.encode()).hexdigest()


def claims_for(user: User, **overrides: Any) -> dict[str, Any]:
    now = timezone.now()
    return {
        "sub": str(user.pk),
        "iat": now,
        "exp": now + datetime.timedelta(minutes=15),
        "iss": "campaign-manager",
        "type": "access",
        "jti": uuid.uuid4().hex,
        **overrides,
    }


def b64(data: dict[str, Any]) -> str:
    encoded = json.dumps(data, default=str).encode()
    return base64.urlsafe_b64encode(encoded).rstrip(b"=").decode()


# --- Access tokens ----------------------------------------------------------------------------


def test_access_token_carries_the_documented_claims(personas: Personas) -> None:
    token = tokens.issue_access_token(personas.owner)

    claims = tokens.decode_access_token(token)

    assert claims["sub"] == str(personas.owner.pk)
    assert claims["iss"] == "campaign-manager"
    assert claims["type"] == "access"
    assert claims["exp"] - claims["iat"] == pytest.approx(15 * 60, abs=0.001)
    assert (
        claims["jti"]
        != tokens.decode_access_token(tokens.issue_access_token(personas.owner))["jti"]
    )
    assert tokens.user_for_access_token(token) == personas.owner


def test_expired_access_token_is_refused(personas: Personas) -> None:
    stale = tokens.issue_access_token(
        personas.owner, now=timezone.now() - datetime.timedelta(minutes=16)
    )

    with pytest.raises(AuthenticationError, match="Access token expired"):
        tokens.user_for_access_token(stale)


def test_a_token_verified_once_is_still_refused_when_it_expires(personas: Personas) -> None:
    # Given a token a second from expiry, verified (and kept verified) once
    lifetime = tokens.access_token_lifetime()
    soon = tokens.issue_access_token(
        personas.owner, now=timezone.now() - lifetime + datetime.timedelta(seconds=1)
    )
    expires = tokens.decode_access_token(soon)["exp"]

    # When it is used again after its expiry
    time.sleep(max(0.0, expires - time.time()) + 0.05)

    # Then it is refused as expired
    with pytest.raises(AuthenticationError, match="Access token expired"):
        tokens.user_for_access_token(soon)


def test_a_token_verified_once_is_refused_under_another_signing_key(
    personas: Personas, settings: Any
) -> None:
    token = tokens.issue_access_token(personas.owner)
    assert tokens.user_for_access_token(token) == personas.owner

    settings.SECRET_KEY = "another key " * 6

    with pytest.raises(AuthenticationError, match="Invalid access token"):
        tokens.user_for_access_token(token)


def forgeries(user: User) -> dict[str, str]:
    valid = tokens.issue_access_token(user)
    header, _, signature = valid.split(".")
    return {
        "wrong key": jwt.encode(claims_for(user), "x" * 64, algorithm="HS256"),
        "alg none": f"{b64({'alg': 'none', 'typ': 'JWT'})}.{b64(claims_for(user))}.",
        "tampered payload": f"{header}.{b64(claims_for(user, sub=str(uuid.uuid4())))}.{signature}",
        "not a jwt": "not.a.jwt",
        "wrong issuer": jwt.encode(
            claims_for(user, iss="someone-else"), settings.SECRET_KEY, algorithm="HS256"
        ),
        "no type": jwt.encode(
            {k: v for k, v in claims_for(user).items() if k != "type"},
            settings.SECRET_KEY,
            algorithm="HS256",
        ),
    }


@pytest.mark.parametrize(
    "forgery", ["wrong key", "alg none", "tampered payload", "not a jwt", "wrong issuer", "no type"]
)
def test_forged_access_tokens_are_refused(personas: Personas, forgery: str) -> None:
    with pytest.raises(AuthenticationError, match="Invalid access token"):
        tokens.user_for_access_token(forgeries(personas.owner)[forgery])


def test_a_token_of_another_type_is_not_an_access_token(personas: Personas) -> None:
    token = jwt.encode(
        claims_for(personas.owner, type="refresh"), settings.SECRET_KEY, algorithm="HS256"
    )

    with pytest.raises(AuthenticationError, match="Not an access token"):
        tokens.user_for_access_token(token)


def test_deactivated_users_tokens_stop_working(personas: Personas) -> None:
    token = tokens.issue_access_token(personas.owner)
    User.objects.filter(pk=personas.owner.pk).update(is_active=False)

    with pytest.raises(AuthenticationError, match="deactivated"):
        tokens.user_for_access_token(token)


# --- Registration and login -------------------------------------------------------------------


def test_register_normalises_the_email_and_signs_in(db: None) -> None:
    pair = sessions.register("  Ada@Example.COM ", "Str0ng!pass-phrase", "Ada", ORIGIN)

    assert pair.user.email == "ada@example.com"
    assert pair.user.check_password("Str0ng!pass-phrase")
    assert tokens.user_for_access_token(pair.access_token) == pair.user
    audit = AuditLog.objects.get(entity_type="user", operation=Operation.CREATE)
    assert audit.actor == pair.user
    assert audit.new_state == {"id": str(pair.user.pk), "email": "ada@example.com", "name": "Ada"}
    assert audit.metadata == {"event": "register", "ip": "203.0.113.7", "userAgent": "pytest"}


@pytest.mark.parametrize(
    ("email", "password", "name", "field"),
    [
        ("ada@example.com", "short", "Ada", "password"),
        ("ada@example.com", "password123", "Ada", "password"),
        ("ada@example.com", "12345678901", "Ada", "password"),
        ("not-an-email", "Str0ng!pass-phrase", "Ada", "email"),
        ("ada@example.com", "Str0ng!pass-phrase", "  ", "name"),
    ],
)
def test_register_refuses_bad_input_by_field(
    db: None, email: str, password: str, name: str, field: str
) -> None:
    with pytest.raises(ValidationError) as error:
        sessions.register(email, password, name, ORIGIN)

    assert error.value.field == field
    assert not User.objects.exists()


def test_weak_password_lists_every_failed_rule(db: None) -> None:
    with pytest.raises(ValidationError) as error:
        sessions.register("ada@example.com", "1234", "Ada", ORIGIN)

    details = error.value.extensions["details"]
    assert any("too short" in message for message in details)
    assert any("entirely numeric" in message for message in details)


def test_register_refuses_a_taken_email_whatever_its_case(personas: Personas) -> None:
    with pytest.raises(ValidationError, match="already exists") as error:
        sessions.register("OWNER@example.com", "Str0ng!pass-phrase", "Imposter", ORIGIN)

    assert error.value.field == "email"


def test_registration_is_rate_limited_per_address(db: None) -> None:
    for n in range(10):
        sessions.register(f"user{n}@example.com", "Str0ng!pass-phrase", "User", ORIGIN)

    with pytest.raises(RateLimited):
        sessions.register("one-more@example.com", "Str0ng!pass-phrase", "User", ORIGIN)


def test_login_issues_a_pair_and_stores_only_the_digest(personas: Personas) -> None:
    pair = sessions.login("Owner@Example.com", PASSWORD, ORIGIN)

    row = RefreshToken.objects.get(user=personas.owner)
    assert row.token_hash == sha256(pair.refresh_token)
    assert pair.refresh_token not in str(vars(row))
    assert len(pair.refresh_token) >= 43  # 256 bits, URL-safe base64
    assert row.expires_at - row.created_at == datetime.timedelta(days=7)
    assert pair.expires_in == 900
    assert AuditLog.objects.filter(
        actor=personas.owner, operation=Operation.LOGIN, metadata__event="login"
    ).exists()


def test_failed_login_is_audited_without_the_password(personas: Personas) -> None:
    for email in ("owner@example.com", "nobody@example.com"):
        with pytest.raises(AuthenticationError, match=r"^Invalid email or password$"):
            sessions.login(email, "wrong password", ORIGIN)

    failures = AuditLog.objects.filter(metadata__event="login_failed").order_by("id")
    assert [row.metadata["email"] for row in failures] == [
        "owner@example.com",
        "nobody@example.com",
    ]
    assert [row.entity_id for row in failures] == [str(personas.owner.pk), ""]
    assert all(row.actor is None for row in failures)
    assert "wrong password" not in str([vars(row) for row in failures])


def test_deactivated_user_cannot_log_in(personas: Personas) -> None:
    User.objects.filter(pk=personas.owner.pk).update(is_active=False)

    with pytest.raises(AuthenticationError, match="Invalid email or password"):
        sessions.login("owner@example.com", PASSWORD, ORIGIN)


def test_login_is_limited_per_address_and_email(personas: Personas) -> None:
    for _ in range(5):
        with pytest.raises(AuthenticationError):
            sessions.login("owner@example.com", "guess", ORIGIN)

    with pytest.raises(RateLimited) as limited:
        sessions.login("owner@example.com", PASSWORD, ORIGIN)
    assert 1 <= limited.value.retry_after <= 60
    assert limited.value.extensions == {"retryAfter": limited.value.retry_after}
    # Another account, or the same one from elsewhere, has its own budget.
    sessions.login("gm@example.com", PASSWORD, ORIGIN)
    sessions.login("owner@example.com", PASSWORD, sessions.Client(ip="198.51.100.1"))


def test_rate_limit_windows_are_independent(db: None) -> None:
    rate_limit.hit("test", "a", 1, 60)
    rate_limit.hit("test", "b", 1, 60)
    rate_limit.hit("other", "a", 1, 60)

    with pytest.raises(RateLimited):
        rate_limit.hit("test", "a", 1, 60)


# --- Refresh-token rotation -------------------------------------------------------------------


def test_refresh_rotates_within_the_family(personas: Personas) -> None:
    first = sessions.login("owner@example.com", PASSWORD, ORIGIN)

    second = sessions.refresh(first.refresh_token, ORIGIN)

    old = RefreshToken.objects.get(token_hash=sha256(first.refresh_token))
    new = RefreshToken.objects.get(token_hash=sha256(second.refresh_token))
    assert old.revoked_at is not None
    assert old.replaced_by == new
    assert new.family == old.family
    assert new.is_active
    assert tokens.user_for_access_token(second.access_token) == personas.owner
    assert sessions.refresh(second.refresh_token, ORIGIN).user == personas.owner


def test_reusing_a_rotated_token_revokes_the_whole_family(personas: Personas) -> None:
    stolen = sessions.login("owner@example.com", PASSWORD, ORIGIN)
    other_device = sessions.login("owner@example.com", PASSWORD, ORIGIN)
    newest = sessions.refresh(sessions.refresh(stolen.refresh_token, ORIGIN).refresh_token, ORIGIN)

    with pytest.raises(AuthenticationError, match="reuse detected"):
        sessions.refresh(stolen.refresh_token, ORIGIN)

    # The revocation committed although the call raised: the newest token is dead too.
    with pytest.raises(AuthenticationError, match="reuse detected"):
        sessions.refresh(newest.refresh_token, ORIGIN)
    family = RefreshToken.objects.get(token_hash=sha256(stolen.refresh_token)).family
    assert not RefreshToken.objects.filter(family=family, revoked_at__isnull=True).exists()
    assert AuditLog.objects.filter(
        entity_id=str(personas.owner.pk), metadata__event="refresh_token_reuse"
    ).exists()
    # Another sign-in is another family.
    assert sessions.refresh(other_device.refresh_token, ORIGIN).user == personas.owner


def test_unknown_and_expired_refresh_tokens_are_refused(personas: Personas) -> None:
    pair = sessions.login("owner@example.com", PASSWORD, ORIGIN)
    RefreshToken.objects.update(expires_at=timezone.now() - datetime.timedelta(seconds=1))

    with pytest.raises(AuthenticationError, match="Invalid refresh token"):
        sessions.refresh("made-up", ORIGIN)
    with pytest.raises(AuthenticationError, match="expired"):
        sessions.refresh(pair.refresh_token, ORIGIN)


def test_an_access_token_is_not_a_refresh_token(personas: Personas) -> None:
    pair = sessions.login("owner@example.com", PASSWORD, ORIGIN)

    with pytest.raises(AuthenticationError, match="Invalid refresh token"):
        sessions.refresh(pair.access_token, ORIGIN)


# --- Logout -----------------------------------------------------------------------------------


def test_logout_revokes_exactly_the_presented_token(personas: Personas) -> None:
    laptop = sessions.login("owner@example.com", PASSWORD, ORIGIN)
    phone = sessions.login("owner@example.com", PASSWORD, ORIGIN)

    assert sessions.logout(laptop.refresh_token, ORIGIN) is True

    with pytest.raises(AuthenticationError):
        sessions.refresh(laptop.refresh_token, ORIGIN)
    assert sessions.refresh(phone.refresh_token, ORIGIN).user == personas.owner
    assert sessions.logout("never-issued") is False


def test_logout_all_revokes_every_session_of_the_user_only(personas: Personas) -> None:
    mine = [sessions.login("owner@example.com", PASSWORD, ORIGIN) for _ in range(2)]
    theirs = sessions.login("gm@example.com", PASSWORD, ORIGIN)

    assert sessions.logout_all(personas.owner, ORIGIN) == 2

    for pair in mine:
        with pytest.raises(AuthenticationError):
            sessions.refresh(pair.refresh_token, ORIGIN)
    assert sessions.refresh(theirs.refresh_token, ORIGIN).user == personas.gm
    audit = AuditLog.objects.get(metadata__event="logout_all")
    assert (audit.operation, audit.actor, audit.metadata["revokedTokens"]) == (
        Operation.UPDATE,
        personas.owner,
        2,
    )


def test_no_secret_reaches_the_audit_log(personas: Personas) -> None:
    pair = sessions.register("ada@example.com", "Str0ng!pass-phrase", "Ada", ORIGIN)
    rotated = sessions.refresh(pair.refresh_token, ORIGIN)
    sessions.logout(rotated.refresh_token, ORIGIN)

    logged = json.dumps(list(AuditLog.objects.values()), default=str)
    for secret in ("Str0ng!pass-phrase", pair.refresh_token, rotated.refresh_token):
        assert secret not in logged
    assert pair.access_token not in logged


def test_logout_all_ends_the_access_tokens_already_issued(personas: Personas) -> None:
    # given a token issued before logout-all
    before = tokens.issue_access_token(personas.owner)
    sessions.logout_all(personas.owner)

    # then it is refused, while one issued afterwards works
    with pytest.raises(AuthenticationError, match="signed out"):
        tokens.user_for_access_token(before)
    after = tokens.issue_access_token(personas.owner)
    assert tokens.user_for_access_token(after) == personas.owner
