"""Each reader's list of campaigns is kept for them (api/graphql/answers.py ``remember_own``):
the next identical request reads no campaign, and whatever a list shows — a campaign's row, its
main branch's clock, who is a member, a new campaign — is seen by the next read."""

from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext

from campaign.actions import campaigns, worlds
from campaign.auth import api_keys
from campaign.models import Campaign, Role
from kernel.actor import Actor
from tests.caching.conftest import tables_read
from tests.graphql_client import GraphQLClient, ok, persona_user

CAMPAIGNS = "{ campaigns { name currentWorldTime } }"


def listed(
    gql: GraphQLClient, persona: str | None = "viewer", **sender: Any
) -> list[dict[str, Any]]:
    return ok(gql(CAMPAIGNS, None, persona, **sender))["campaigns"]  # type: ignore[no-any-return]


def test_a_kept_list_reads_only_who_is_asking(gql: GraphQLClient, campaign: Campaign) -> None:
    # Given the viewer's campaigns read once
    first = listed(gql)

    # When they ask again
    with CaptureQueriesContext(connection) as queries:
        again = listed(gql)

    # Then the answer is the same, and only the viewer was read
    assert again == first == [{"name": "Kingmaker", "currentWorldTime": None}]
    tables = tables_read(queries)
    assert tables == {"campaign_user"}


def test_a_renamed_campaign_and_its_clock_are_seen_by_the_next_read(
    gql: GraphQLClient, owner: Actor, campaign: Campaign, django_capture_on_commit_callbacks: Any
) -> None:
    listed(gql)
    with django_capture_on_commit_callbacks(execute=True):
        campaigns.update_campaign(owner, campaign_id=campaign.pk, data={"name": "Stolen Lands"})
        campaigns.advance_world_time(owner, campaign_id=campaign.pk, to="4710-01-01T00:00:00Z")

    assert listed(gql) == [{"name": "Stolen Lands", "currentWorldTime": "4710-01-01T00:00:00.000Z"}]


def test_joining_starting_and_leaving_campaigns_are_seen_by_the_next_read(
    gql: GraphQLClient, owner: Actor, campaign: Campaign, django_capture_on_commit_callbacks: Any
) -> None:
    # Given an outsider whose (empty) list is kept
    outsider = persona_user("outsider")
    assert listed(gql, "outsider") == listed(gql, "outsider") == []

    # When they are made a member, start a campaign of their own, then leave the first
    def names() -> list[str]:
        return [c["name"] for c in listed(gql, "outsider")]

    with django_capture_on_commit_callbacks(execute=True):
        campaigns.add_member(owner, campaign_id=campaign.pk, user_id=outsider.pk, role=Role.PLAYER)
    joined = names()
    with django_capture_on_commit_callbacks(execute=True):
        own = worlds.create_world(Actor(outsider), data={"name": "Elsewhere", "calendars": []})
        campaigns.create_campaign(Actor(outsider), world_id=own.pk, data={"name": "Jade Regent"})
    started = names()
    with django_capture_on_commit_callbacks(execute=True):
        campaigns.remove_member(owner, campaign_id=campaign.pk, user_id=outsider.pk)
    left = names()

    # Then each read shows what they read by then
    assert (joined, started, left) == (
        ["Kingmaker"],
        ["Jade Regent", "Kingmaker"],
        ["Jade Regent"],
    )


def test_a_key_restricted_to_a_campaign_is_not_given_its_users_whole_list(
    gql: GraphQLClient,
    owner: Actor,
    world: Any,
    campaign: Campaign,
    django_capture_on_commit_callbacks: Any,
) -> None:
    # Given the owner's two campaigns, listed (and kept) for them
    with django_capture_on_commit_callbacks(execute=True):
        campaigns.create_campaign(owner, world_id=world.pk, data={"name": "Curse of the Crimson"})
    assert [c["name"] for c in listed(gql, "owner")] == ["Curse of the Crimson", "Kingmaker"]

    # When a key of theirs restricted to one campaign asks
    _, raw = api_keys.create_api_key(owner, "one", ["read"], campaign_id=campaign.pk)

    # Then it is given that campaign only
    assert [c["name"] for c in listed(gql, None, api_key=raw)] == ["Kingmaker"]
