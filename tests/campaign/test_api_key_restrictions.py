"""What an API key reaches: creating worlds and campaigns needs a session or an unrestricted
admin key; a key restricted to a campaign reads and changes only that campaign's world and audit
rows; no key manages sessions or keys, through GraphQL as through REST."""

import json

import pytest
from django.test import Client

from campaign.actions import campaigns, worlds
from campaign.auth import api_keys, sessions
from campaign.models import ApiKey, AuditLog, Campaign, RefreshToken, User, World
from kernel.actor import Actor
from kernel.errors import PermissionDenied
from rules import actions as rule_actions
from tests import builders
from tests.conftest import Personas
from tests.graphql_client import GraphQLClient, error_of

PASSWORD = "correct horse battery staple"
HERE = sessions.Client("10.0.0.1")


def raw_key(user: User, scopes: list[str], campaign: Campaign | None = None) -> str:
    campaign_id = str(campaign.pk) if campaign is not None else None
    return api_keys.create_api_key(Actor(user), "k", scopes, campaign_id)[1]


@pytest.fixture
def elsewhere(personas: Personas) -> Campaign:
    """A second world and campaign of the same owner, with a world variable and a kingdom."""
    owner = Actor(personas.owner)
    world = worlds.create_world(owner, data={"name": "Secret world"})
    other = campaigns.create_campaign(owner, world_id=world.pk, data={"name": "Secret campaign"})
    rule_actions.create_state_variable(
        owner,
        data={
            "scope": "world",
            "scope_id": str(world.pk),
            "key": "secret",
            "type": "string",
            "value": "x",
        },
    )
    builders.kingdom(owner, other, name="Secret kingdom")
    return other


CREATE_WORLD = 'mutation { createWorld(input: {name: "By key", calendars: []}) { id } }'
CREATE_CAMPAIGN = 'mutation($w: ID!) { createCampaign(input: {worldId: $w, name: "C"}) { id } }'


def test_creating_worlds_and_campaigns_needs_a_session_or_an_unrestricted_admin_key(
    gql: GraphQLClient, personas: Personas, campaign: Campaign, world: World
) -> None:
    owner = personas.owner
    refusals = {
        "restricted read": raw_key(owner, ["read"], campaign),
        "restricted admin": raw_key(owner, ["admin"], campaign),
        "unrestricted write": raw_key(owner, ["write"]),
    }
    for name, key in refusals.items():
        for query, variables in ((CREATE_WORLD, None), (CREATE_CAMPAIGN, {"w": str(world.pk)})):
            failure = error_of(gql(query, variables, api_key=key))
            assert failure["extensions"]["code"] == "FORBIDDEN", name
            assert failure["message"].startswith("This API key"), name
    assert not World.objects.filter(name="By key").exists()

    admin_key = raw_key(owner, ["admin"])
    assert gql(CREATE_WORLD, api_key=admin_key)["data"]["createWorld"]["id"]
    created = gql(CREATE_CAMPAIGN, {"w": str(world.pk)}, api_key=admin_key)
    assert created["data"]["createCampaign"]["id"]
    with pytest.raises(PermissionDenied, match="This API key"):
        worlds.create_world(
            api_keys.authenticate_api_key(refusals["restricted read"]), data={"name": "x"}
        )


def test_a_restricted_key_reaches_only_its_campaigns_world(
    gql: GraphQLClient, personas: Personas, campaign: Campaign, world: World, elsewhere: Campaign
) -> None:
    key = raw_key(personas.owner, ["read"], campaign)
    hidden = str(elsewhere.world_id)

    listed = gql("{ worlds { id } }", api_key=key)["data"]["worlds"]
    assert [row["id"] for row in listed] == [str(world.pk)]
    one = "query($id: ID!) { world(id: $id) { id } }"
    assert gql(one, {"id": hidden}, api_key=key)["data"]["world"] is None
    assert gql(one, {"id": str(world.pk)}, api_key=key)["data"]["world"]
    variables = "query($id: ID) { getVariablesForScope(scope: WORLD, scopeId: $id) { key } }"
    scoped = gql(variables, {"id": hidden}, api_key=key)
    assert error_of(scoped)["extensions"]["code"] == "NOT_FOUND"
    # The same user's session still sees both worlds.
    session = gql("{ worlds { id } }", user=personas.owner)["data"]["worlds"]
    assert {row["id"] for row in session} == {str(world.pk), hidden}


def test_a_restricted_admin_key_cannot_change_an_unrelated_world(
    gql: GraphQLClient, personas: Personas, campaign: Campaign, world: World, elsewhere: Campaign
) -> None:
    key = raw_key(personas.owner, ["admin"], campaign)
    rename = 'mutation($id: ID!) { updateWorld(id: $id, input: {name: "Renamed"}) { name } }'

    failure = error_of(gql(rename, {"id": str(elsewhere.world_id)}, api_key=key))
    assert failure["extensions"]["code"] == "NOT_FOUND"
    assert World.objects.get(pk=elsewhere.world_id).name == "Secret world"
    # Its own campaign's world is within reach.
    renamed = gql(rename, {"id": str(world.pk)}, api_key=key)
    assert renamed["data"]["updateWorld"]["name"] == "Renamed"


def test_a_restricted_key_reads_only_its_campaigns_audit_rows(
    gql: GraphQLClient, client: Client, personas: Personas, campaign: Campaign, elsewhere: Campaign
) -> None:
    key = raw_key(personas.owner, ["read"], campaign)
    query = "query($u: ID!) { userAuditHistory(userId: $u, limit: 100) { entityId } }"
    mine = {"u": str(personas.owner.pk)}

    rows = gql(query, mine, api_key=key)["data"]["userAuditHistory"]
    ids = {row["entityId"] for row in rows}
    assert rows
    assert ids <= set(
        AuditLog.objects.filter(campaign=campaign).values_list("entity_id", flat=True)
    )
    assert str(elsewhere.pk) not in ids
    exported = client.get("/audit/export?format=json", headers={"X-Api-Key": key})
    entries = json.loads(b"".join(exported.streaming_content))  # type: ignore[attr-defined]
    assert entries
    assert {entry["entityId"] for entry in entries} == ids
    assert b"Secret" not in json.dumps(entries).encode()
    # The user's own session still sees everything it did.
    everything = gql(query, mine, user=personas.owner)["data"]["userAuditHistory"]
    assert str(elsewhere.pk) in {row["entityId"] for row in everything}


@pytest.mark.parametrize(
    "operation",
    [
        "mutation { logoutAll }",
        'mutation { createApiKey(name: "x", scopes: ["admin"]) { key } }',
        'mutation { revokeApiKey(id: "%(key_id)s") { id } }',
        "{ apiKeys { id } }",
    ],
)
def test_graphql_refuses_api_keys_session_and_key_management_as_rest_does(
    gql: GraphQLClient, client: Client, personas: Personas, campaign: Campaign, operation: str
) -> None:
    sessions.login(personas.owner.email, PASSWORD, HERE)
    key, raw = api_keys.create_api_key(Actor(personas.owner), "k", ["admin"])

    failure = error_of(gql(operation % {"key_id": key.pk}, api_key=raw))
    rest = client.post("/auth/logout-all", headers={"X-Api-Key": raw}).json()["error"]

    assert failure["extensions"]["code"] == rest["code"] == "FORBIDDEN"
    assert failure["message"] == rest["message"]
    assert RefreshToken.objects.filter(user=personas.owner, revoked_at__isnull=True).exists()
    assert ApiKey.objects.filter(user=personas.owner, revoked_at__isnull=True).count() == 1
