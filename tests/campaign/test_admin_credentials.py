"""Credential changes in the admin go through the audited actions and end the user's sessions."""

import datetime
from typing import Any

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from campaign.auth import api_keys, sessions
from campaign.auth.tokens import issue_access_token
from campaign.models import AuditLog, RefreshToken, User
from kernel.actor import Actor
from kernel.errors import AuthenticationError
from tests.campaign.test_admin import form_data
from tests.conftest import Personas

PASSWORD = "correct horse battery staple"
HERE = sessions.Client("10.0.0.1")


@pytest.fixture
def operator(client: Client, db: None) -> User:
    root = User.objects.create_superuser("root@example.com", "root-password")
    client.force_login(root)
    return root


def admin_url(view: str, *args: Any) -> str:
    return reverse(f"admin:campaign_{view}", args=args)


def test_admin_revoking_credentials_goes_through_the_audited_actions(
    client: Client, personas: Personas, operator: User
) -> None:
    key, _ = api_keys.create_api_key(Actor(personas.owner), "k", ["read"])
    sessions.login(personas.owner.email, PASSWORD, HERE)
    token = RefreshToken.objects.get(user=personas.owner)

    client.post(
        admin_url("apikey_changelist"), {"action": "revoke_selected", "_selected_action": [key.pk]}
    )
    client.post(
        admin_url("refreshtoken_changelist"),
        {"action": "revoke_selected", "_selected_action": [token.pk]},
    )

    key.refresh_from_db()
    token.refresh_from_db()
    assert key.revoked_at is not None
    assert token.revoked_at is not None
    key_audit = AuditLog.objects.get(entity_type="api_key", entity_id=str(key.pk), actor=operator)
    assert key_audit.new_state is not None
    assert key_audit.new_state["revokedAt"] is not None
    assert key_audit.metadata["source"] == "admin"
    token_audit = AuditLog.objects.get(metadata__event="refresh_token_revoked")
    assert (token_audit.actor, token_audit.entity_id) == (operator, str(personas.owner.pk))
    assert token_audit.metadata["tokenId"] == str(token.pk)


def assert_sessions_ended(user: User, operator: User, event: str) -> None:
    user.refresh_from_db()
    assert user.tokens_valid_after is not None
    assert not RefreshToken.objects.filter(user=user, revoked_at__isnull=True).exists()
    audit = AuditLog.objects.get(metadata__event=event)
    assert (audit.actor, audit.entity_id) == (operator, str(user.pk))


def test_admin_password_change_ends_the_users_sessions(
    client: Client, personas: Personas, operator: User
) -> None:
    owner = personas.owner
    pair = sessions.login(owner.email, PASSWORD, HERE)
    stolen = issue_access_token(owner, now=timezone.now() - datetime.timedelta(seconds=1))

    response = client.post(
        reverse("admin:auth_user_password_change", args=[owner.pk]),
        {"password1": "a new Passw0rd!", "password2": "a new Passw0rd!", "usable_password": "true"},
    )

    assert response.status_code == 302, response.content
    assert_sessions_ended(owner, operator, "password_changed_by_admin")
    me = client.get("/auth/me", headers={"Authorization": f"Bearer {stolen}"})
    assert me.status_code == 401
    with pytest.raises(AuthenticationError):
        sessions.refresh(pair.refresh_token, HERE)


def test_admin_deactivating_a_user_ends_their_sessions(
    client: Client, personas: Personas, operator: User
) -> None:
    owner = personas.owner
    sessions.login(owner.email, PASSWORD, HERE)
    change = admin_url("user_change", owner.pk)
    data = {**form_data(client.get(change))}
    data.pop("is_active", None)
    data.pop("password", None)

    response = client.post(change, data)

    assert response.status_code == 302, response.content
    owner.refresh_from_db()
    assert not owner.is_active
    assert_sessions_ended(owner, operator, "deactivated_by_admin")


def test_admin_edits_that_keep_the_user_active_leave_their_sessions(
    client: Client, personas: Personas, operator: User
) -> None:
    owner = personas.owner
    sessions.login(owner.email, PASSWORD, HERE)
    change = admin_url("user_change", owner.pk)
    data = {**form_data(client.get(change)), "name": "Olga O."}
    data.pop("password", None)

    assert client.post(change, data).status_code == 302
    assert RefreshToken.objects.filter(user=owner, revoked_at__isnull=True).exists()
    assert not AuditLog.objects.filter(metadata__event="deactivated_by_admin").exists()
