"""API keys: shown once, stored hashed, scoped, campaign-restricted, revocable, expirable."""

import datetime
import hashlib
import json
import re
from typing import Any

import pytest
from django.test import Client
from django.utils import timezone

from campaign.actions import campaigns, entities, kingdoms
from campaign.auth import api_keys
from campaign.models import ApiKey, AuditLog, Campaign, Operation, Role, World
from campaign.permissions import require_role
from kernel.actor import Actor
from kernel.errors import AuthenticationError, NotFound, PermissionDenied, ValidationError
from tests import builders
from tests.conftest import Personas


def key_for(actor: Actor, scopes: list[str], **options: Any) -> tuple[ApiKey, str]:
    return api_keys.create_api_key(actor, "Scheduler", scopes, **options)


# --- Creation ---------------------------------------------------------------------------------


def test_raw_key_is_shown_once_and_only_its_digest_is_stored(owner: Actor) -> None:
    key, raw = key_for(owner, ["read"])

    assert re.fullmatch(r"camp_sk_[0-9a-f]{8}_[A-Za-z0-9_-]{43}", raw)
    stored = ApiKey.objects.filter(pk=key.pk).values().get()
    assert stored["key_hash"] == hashlib.sha256(raw.encode()).hexdigest()
    assert stored["prefix"] == raw[8:16]
    assert raw not in json.dumps(stored, default=str)
    # The secret itself (the last 43 characters): splitting at "_" could cut one of its own.
    assert raw[-43:] not in json.dumps(stored, default=str)
    assert raw not in json.dumps(list(AuditLog.objects.values()), default=str)
    assert AuditLog.objects.filter(
        entity_type="api_key", entity_id=str(key.pk), operation=Operation.CREATE
    ).exists()


@pytest.mark.parametrize("scopes", [[], ["delete"], ["read", "root"], "read", [1]])
def test_scopes_must_come_from_the_known_set(owner: Actor, scopes: Any) -> None:
    with pytest.raises(ValidationError) as error:
        key_for(owner, scopes)

    assert error.value.field == "scopes"


def test_scopes_are_stored_deduplicated_in_order(owner: Actor) -> None:
    key, _ = key_for(owner, ["write", "read", "write"])

    assert key.scopes == ["read", "write"]


def test_expiry_must_be_in_the_future(owner: Actor) -> None:
    with pytest.raises(ValidationError) as error:
        key_for(owner, ["read"], expires_at="2000-01-01T00:00:00Z")

    assert error.value.field == "expiresAt"


def test_campaign_restriction_requires_membership(personas: Personas, campaign: Campaign) -> None:
    key, _ = key_for(personas.actor("player"), ["read"], campaign_id=str(campaign.pk))
    assert key.campaign == campaign

    with pytest.raises(NotFound):
        key_for(personas.actor("outsider"), ["read"], campaign_id=str(campaign.pk))
    with pytest.raises(ValidationError) as error:
        key_for(personas.actor("player"), ["read"], campaign_id="not-an-id")
    assert error.value.field == "campaignId"


def test_a_key_cannot_manage_keys(owner: Actor) -> None:
    _, raw = key_for(owner, ["admin"])
    key_actor = api_keys.authenticate_api_key(raw)

    with pytest.raises(PermissionDenied):
        key_for(key_actor, ["admin"])
    with pytest.raises(PermissionDenied):
        api_keys.list_api_keys(key_actor)


def test_anonymous_cannot_create_keys(db: None) -> None:
    with pytest.raises(AuthenticationError):
        key_for(Actor(None), ["read"])


# --- Scopes and campaign restriction through require_role -------------------------------------


def test_read_key_can_load_but_not_write(owner: Actor, campaign: Campaign) -> None:
    kingdom = builders.kingdom(owner, campaign)
    reader = api_keys.authenticate_api_key(key_for(owner, ["read"])[1])

    assert entities.load(reader, "kingdom", kingdom.uid).pk == kingdom.pk
    with pytest.raises(PermissionDenied, match="'write' scope"):
        kingdoms.update_kingdom(reader, kingdom_id=kingdom.uid, data={"name": "Renamed"})
    with pytest.raises(PermissionDenied):
        require_role(reader, campaign, Role.GM)


def test_write_key_can_write_but_not_administer(owner: Actor, campaign: Campaign) -> None:
    kingdom = builders.kingdom(owner, campaign)
    writer = api_keys.authenticate_api_key(key_for(owner, ["write"])[1])

    assert (
        kingdoms.update_kingdom(writer, kingdom_id=kingdom.uid, data={"name": "Renamed"}).name
        == "Renamed"
    )
    with pytest.raises(PermissionDenied, match="'admin' scope"):
        require_role(writer, campaign, Role.OWNER)


def test_scope_never_exceeds_the_users_role(personas: Personas, campaign: Campaign) -> None:
    viewer = api_keys.authenticate_api_key(key_for(personas.actor("viewer"), ["admin"])[1])

    assert require_role(viewer, campaign, Role.VIEWER) == Role.VIEWER
    with pytest.raises(PermissionDenied):
        require_role(viewer, campaign, Role.GM)


def test_campaign_restricted_key_does_not_see_other_campaigns(
    owner: Actor, world: World, campaign: Campaign
) -> None:
    other = campaigns.create_campaign(
        owner, world_id=world.pk, data={"name": "Rise of the Runelords"}
    )
    hidden = builders.kingdom(owner, other)
    restricted = api_keys.authenticate_api_key(
        key_for(owner, ["admin"], campaign_id=str(campaign.pk))[1]
    )

    assert restricted.campaign_id == campaign.pk
    assert require_role(restricted, campaign, Role.OWNER) == Role.OWNER
    with pytest.raises(NotFound):
        require_role(restricted, other, Role.VIEWER)
    with pytest.raises(NotFound):
        entities.load(restricted, "kingdom", hidden.uid)


# --- Authentication, revocation, expiry -------------------------------------------------------


@pytest.mark.parametrize(
    "raw",
    [
        "",
        "sk_live_whatever",
        "camp_sk_zzzzzzzz_" + "a" * 43,
        "camp_sk_0123abcd_" + "a" * 43,  # well formed but never issued
    ],
)
def test_unknown_keys_are_refused(db: None, raw: str) -> None:
    with pytest.raises(AuthenticationError, match=r"^Invalid API key$"):
        api_keys.authenticate_api_key(raw)


def test_revoked_key_is_refused(owner: Actor) -> None:
    key, raw = key_for(owner, ["read"])

    revoked = api_keys.revoke_api_key(owner, key.pk)

    assert revoked.revoked_at is not None
    with pytest.raises(AuthenticationError, match="revoked"):
        api_keys.authenticate_api_key(raw)
    assert list(api_keys.list_api_keys(owner)) == []
    assert AuditLog.objects.filter(entity_id=str(key.pk), operation=Operation.UPDATE).exists()


def test_only_the_owner_can_revoke_a_key(personas: Personas, owner: Actor) -> None:
    key, raw = key_for(owner, ["read"])

    for key_id in (key.pk, "not-a-uuid"):
        with pytest.raises(NotFound):
            api_keys.revoke_api_key(personas.actor("gm"), key_id)
    assert api_keys.authenticate_api_key(raw).user == personas.owner


def test_expired_key_is_refused(owner: Actor) -> None:
    key, raw = key_for(owner, ["read"], expires_at=timezone.now() + datetime.timedelta(days=1))
    ApiKey.objects.filter(pk=key.pk).update(
        expires_at=timezone.now() - datetime.timedelta(seconds=1)
    )

    with pytest.raises(AuthenticationError, match="expired"):
        api_keys.authenticate_api_key(raw)


def test_last_used_at_is_written_at_most_once_a_minute(
    owner: Actor, django_assert_num_queries: Any
) -> None:
    key, raw = key_for(owner, ["read"])

    api_keys.authenticate_api_key(raw)
    first_use = ApiKey.objects.get(pk=key.pk).last_used_at
    assert first_use is not None
    with django_assert_num_queries(1):  # the lookup only, no write
        api_keys.authenticate_api_key(raw)

    a_while_ago = timezone.now() - datetime.timedelta(minutes=2)
    ApiKey.objects.filter(pk=key.pk).update(last_used_at=a_while_ago)
    api_keys.authenticate_api_key(raw)
    refreshed = ApiKey.objects.get(pk=key.pk).last_used_at
    assert refreshed is not None
    assert refreshed > a_while_ago


def test_a_deactivated_users_keys_stop_working(personas: Personas, owner: Actor) -> None:
    _, raw = key_for(owner, ["read"])
    type(personas.owner).objects.filter(pk=personas.owner.pk).update(is_active=False)

    with pytest.raises(AuthenticationError):
        api_keys.authenticate_api_key(raw)


# --- REST -------------------------------------------------------------------------------------


def test_key_lifecycle_over_rest(client: Client, personas: Personas, campaign: Campaign) -> None:
    login = client.post(
        "/auth/login",
        {"email": "gm@example.com", "password": "correct horse battery staple"},
        content_type="application/json",
    ).json()
    auth = {"Authorization": f"Bearer {login['accessToken']}"}

    created = client.post(
        "/auth/api-keys",
        {"name": "Scheduler", "scopes": ["read"], "campaignId": str(campaign.pk)},
        content_type="application/json",
        headers=auth,
    )
    assert created.status_code == 201
    body = created.json()
    raw = body["key"]
    assert body["prefix"] == raw[:16]
    assert body["campaignId"] == str(campaign.pk)

    listed = client.get("/auth/api-keys", headers=auth)
    assert listed.status_code == 200
    assert [item["id"] for item in listed.json()["apiKeys"]] == [body["id"]]
    assert "key" not in listed.json()["apiKeys"][0]
    assert raw not in listed.content.decode()

    me = client.get("/auth/me", headers={"x-api-key": raw})
    assert me.json()["scopes"] == ["read"]
    assert me.json()["campaignId"] == str(campaign.pk)
    assert client.get("/auth/api-keys", headers={"x-api-key": raw}).status_code == 403

    assert client.delete(f"/auth/api-keys/{body['id']}", headers=auth).status_code == 200
    refused = client.get("/auth/me", headers={"x-api-key": raw})
    assert refused.status_code == 401
    assert refused.json()["error"]["message"] == "API key has been revoked"
    assert client.delete(f"/auth/api-keys/{body['id']}", headers=auth).status_code == 404
    assert client.delete("/auth/api-keys/garbage", headers=auth).status_code == 404


def test_bad_key_requests_over_rest(client: Client, personas: Personas, owner: Actor) -> None:
    key, _ = key_for(owner, ["read"])
    token = client.post(
        "/auth/login",
        {"email": "gm@example.com", "password": "correct horse battery staple"},
        content_type="application/json",
    ).json()["accessToken"]
    auth = {"Authorization": f"Bearer {token}"}

    assert client.get("/auth/api-keys").status_code == 401
    bad_scopes = client.post(
        "/auth/api-keys",
        {"name": "x", "scopes": ["everything"]},
        content_type="application/json",
        headers=auth,
    )
    assert bad_scopes.status_code == 400
    assert bad_scopes.json()["error"]["field"] == "scopes"
    assert client.delete(f"/auth/api-keys/{key.pk}", headers=auth).status_code == 404
    assert ApiKey.objects.get(pk=key.pk).revoked_at is None
