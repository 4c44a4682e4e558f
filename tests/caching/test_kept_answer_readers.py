"""Who may read a kept answer, once its parent's address is verified (api/graphql/addresses.py):
the same readers, with the same errors, as when the parent's row is read; and a parent deleted,
with its branch or its campaign, is gone from its kept answers at once."""

from typing import Any

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from api.graphql import addresses
from campaign.actions import branches, campaigns, entities, kingdoms, worlds
from campaign.auth import api_keys, sessions, tokens, user_cache
from campaign.models import Campaign, Kingdom, Role, Settlement
from kernel import generations
from kernel.actor import Actor
from tests.caching.conftest import tables_read
from tests.graphql_client import GraphQLClient, codes, error_of, ok, persona_user

SETTLEMENTS = "query($k: ID!) { settlementsByKingdom(kingdomId: $k) { name } }"
SETTLEMENT = "query($id: ID!) { settlement(id: $id) { name } }"
KINGDOMS = "query($c: ID!, $b: ID) { kingdomsByCampaign(campaignId: $c, branchId: $b) { name } }"


def kept(gql: GraphQLClient, query: str, variables: dict[str, Any]) -> dict[str, Any]:
    """The answer, read until it is kept and its parent's address verified."""
    for _ in range(3):
        body = gql(query, variables, "viewer")
    return body


def test_a_kept_answer_reads_only_who_is_asking(gql: GraphQLClient, kingdom: Kingdom) -> None:
    # Given the kingdom's settlements kept
    first = kept(gql, SETTLEMENTS, {"k": str(kingdom.uid)})

    # When the viewer asks again
    with CaptureQueriesContext(connection) as queries:
        again = gql(SETTLEMENTS, {"k": str(kingdom.uid)}, "viewer")

    # Then the answer is the same, and only the viewer and their membership were read
    assert again == first == {"data": {"settlementsByKingdom": [{"name": "Restov"}]}}
    tables = tables_read(queries)
    assert tables == {"campaign_user", "campaign_campaignmembership"}


@pytest.mark.parametrize("persona", ["outsider", None])
def test_a_reader_outside_the_campaign_is_refused_as_without_a_kept_answer(
    gql: GraphQLClient, kingdom: Kingdom, persona: str | None
) -> None:
    # Given what an outsider (or an anonymous caller) is told before anything was kept
    variables = {"k": str(kingdom.uid)}
    cold = gql(SETTLEMENTS, variables, persona)

    # When the answer is kept for the viewer, and they ask again
    kept(gql, SETTLEMENTS, variables)
    warm = gql(SETTLEMENTS, variables, persona)

    # Then they are told the same, and nothing of the kingdom
    assert warm == cold
    assert codes(warm) == (["NOT_FOUND"] if persona else ["UNAUTHENTICATED"])


def test_an_outsider_reads_null_for_a_kept_settlement(gql: GraphQLClient, kingdom: Kingdom) -> None:
    [restov] = Settlement.objects.filter(kingdom=kingdom)
    kept(gql, SETTLEMENT, {"id": str(restov.uid)})

    assert ok(gql(SETTLEMENT, {"id": str(restov.uid)}, "outsider")) == {"settlement": None}


def test_a_member_removed_no_longer_reads_the_kept_answer(
    gql: GraphQLClient,
    owner: Actor,
    campaign: Campaign,
    kingdom: Kingdom,
    django_capture_on_commit_callbacks: Any,
) -> None:
    # Given the answer kept for the viewer
    kept(gql, SETTLEMENTS, {"k": str(kingdom.uid)})

    # When the owner removes them from the campaign
    with django_capture_on_commit_callbacks(execute=True):
        campaigns.remove_member(owner, campaign_id=campaign.pk, user_id=persona_user("viewer").pk)

    # Then they are told the kingdom does not exist, naming the argument
    error = error_of(gql(SETTLEMENTS, {"k": str(kingdom.uid)}, "viewer"))
    assert (error["extensions"]["code"], error["extensions"]["field"]) == ("NOT_FOUND", "kingdomId")


def test_a_deleted_kingdom_is_gone_from_its_kept_answers(
    gql: GraphQLClient, owner: Actor, kingdom: Kingdom, django_capture_on_commit_callbacks: Any
) -> None:
    # Given the kingdom's settlements and the settlement itself kept
    [restov] = Settlement.objects.filter(kingdom=kingdom)
    kept(gql, SETTLEMENTS, {"k": str(kingdom.uid)})
    kept(gql, SETTLEMENT, {"id": str(restov.uid)})

    # When the kingdom is deleted (its settlements with it)
    with django_capture_on_commit_callbacks(execute=True):
        entities.soft_delete(owner, instance=kingdom)

    # Then neither is found
    assert codes(gql(SETTLEMENTS, {"k": str(kingdom.uid)}, "viewer")) == ["NOT_FOUND"]
    assert ok(gql(SETTLEMENT, {"id": str(restov.uid)}, "viewer")) == {"settlement": None}


def test_a_deleted_campaign_takes_the_kept_lists_of_its_empty_branches(
    gql: GraphQLClient, owner: Actor, world: Any, django_capture_on_commit_callbacks: Any
) -> None:
    # Given a campaign with nothing in it but a second branch, its kingdoms kept on both
    with django_capture_on_commit_callbacks(execute=True):
        empty = campaigns.create_campaign(owner, world_id=world.pk, data={"name": "Empty"})
        campaigns.add_member(
            owner, campaign_id=empty.pk, user_id=persona_user("viewer").pk, role=Role.VIEWER
        )
        side = branches.create_branch(
            owner, campaign_id=empty.pk, parent_id=None, data={"name": "What if"}
        )
    for branch in (None, str(side.pk)):
        assert ok(kept(gql, KINGDOMS, {"c": str(empty.pk), "b": branch})) == {
            "kingdomsByCampaign": []
        }

    # When the campaign is deleted
    with django_capture_on_commit_callbacks(execute=True):
        campaigns.delete_campaign(owner, campaign_id=empty.pk)

    # Then its branches' lists are not found
    for branch in (None, str(side.pk)):
        assert codes(gql(KINGDOMS, {"c": str(empty.pk), "b": branch}, "viewer")) == ["NOT_FOUND"]


def test_a_renamed_kingdom_is_seen_after_the_cache_lost_its_generations(
    gql: GraphQLClient,
    owner: Actor,
    campaign: Campaign,
    kingdom: Kingdom,
    django_capture_on_commit_callbacks: Any,
) -> None:
    # Given the campaign's kingdoms kept, and the process's address of its branch verified
    variables = {"c": str(campaign.pk), "b": None}
    key = generations.key(campaign.pk, kingdom.branch_id)
    before = generations.current_many([key])[0]
    kept(gql, KINGDOMS, variables)

    # When the cache loses everything, and the kingdom is renamed
    cache.clear()
    with django_capture_on_commit_callbacks(execute=True):
        kingdoms.update_kingdom(owner, kingdom_id=kingdom.uid, data={"name": "Pitax"})

    # Then the generation started above every value it had, and the next read sees the rename
    assert generations.current_many([key])[0] > before
    assert ok(gql(KINGDOMS, variables, "viewer")) == {"kingdomsByCampaign": [{"name": "Pitax"}]}


def test_the_address_book_forgets_the_least_recently_used_beyond_its_capacity() -> None:
    book = addresses.AddressBook(capacity=2)
    a, b, c = (addresses.Address(n, n, n, ()) for n in range(3))
    book.learn("a", a)
    book.learn("b", b)
    book.get("a")
    book.learn("c", c)

    assert (book.get("a"), book.get("b"), book.get("c")) == (a, None, c)


def test_an_api_key_of_another_campaign_is_refused_a_kept_answer(
    gql: GraphQLClient, kingdom: Kingdom, django_capture_on_commit_callbacks: Any
) -> None:
    # Given the kingdom's settlements kept, and the viewer's key for a campaign of their own
    viewer = Actor(persona_user("viewer"))
    with django_capture_on_commit_callbacks(execute=True):
        world = worlds.create_world(viewer, data={"name": "Elsewhere", "calendars": []})
        other = campaigns.create_campaign(viewer, world_id=world.pk, data={"name": "Other"})
    _, raw = api_keys.create_api_key(viewer, "reader", ["read"], campaign_id=other.pk)
    kept(gql, SETTLEMENTS, {"k": str(kingdom.uid)})

    # When the key asks for the kept answer
    body = gql(SETTLEMENTS, {"k": str(kingdom.uid)}, api_key=raw)

    # Then it is told the kingdom does not exist
    assert codes(body) == ["NOT_FOUND"]


def with_token(
    gql: GraphQLClient, token: str, query: str, variables: dict[str, Any]
) -> dict[str, Any]:
    response = gql.client.post(
        "/graphql",
        data={"query": query, "variables": variables},
        content_type="application/json",
        headers={"Authorization": f"Bearer {token}"},
    )
    return response.json()  # type: ignore[no-any-return]


@pytest.fixture
def users_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    """Tokens' users kept per process, as with Redis (tests/conftest.py reads them every time)."""
    monkeypatch.setattr(user_cache, "shared", lambda: True)
    user_cache._kept.clear()


@pytest.mark.usefixtures("users_kept")
def test_a_kept_answer_reads_the_readers_stamp_in_its_own_round_trip(
    gql: GraphQLClient, kingdom: Kingdom, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given the kingdom's settlements kept, and the viewer's user kept by the process
    kept(gql, SETTLEMENTS, {"k": str(kingdom.uid)})
    stamps_read_apart: list[object] = []
    active_user = user_cache.active_user

    def watched(user_id: Any, read: Any = None) -> Any:
        stamps_read_apart.append(read is None)
        return active_user(user_id, read)

    monkeypatch.setattr(user_cache, "active_user", watched)

    # When the viewer asks again
    token = tokens.issue_access_token(persona_user("viewer"))
    with CaptureQueriesContext(connection) as queries:
        again = with_token(gql, token, SETTLEMENTS, {"k": str(kingdom.uid)})

    # Then their stamp came with the answer, and only their membership was read from the database
    assert ok(again) == {"settlementsByKingdom": [{"name": "Restov"}]}
    assert stamps_read_apart == [False]
    tables = tables_read(queries)
    assert tables == {"campaign_campaignmembership"}


@pytest.mark.usefixtures("users_kept")
@pytest.mark.parametrize("change", ["sign out everywhere", "deactivate"])
def test_a_reader_signed_out_or_deactivated_is_refused_a_kept_answer(
    gql: GraphQLClient, kingdom: Kingdom, change: str, django_capture_on_commit_callbacks: Any
) -> None:
    # Given the kingdom's settlements kept for the viewer, and their token
    viewer = persona_user("viewer")
    token = tokens.issue_access_token(viewer)
    kept(gql, SETTLEMENTS, {"k": str(kingdom.uid)})

    # When they sign out everywhere, or are deactivated
    with django_capture_on_commit_callbacks(execute=True):
        if change == "deactivate":
            viewer.is_active = False
            viewer.save()
        else:
            sessions.logout_all(viewer)
    body = with_token(gql, token, SETTLEMENTS, {"k": str(kingdom.uid)})

    # Then the token is refused
    assert codes(body) == ["UNAUTHENTICATED"]
