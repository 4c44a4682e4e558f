"""Nested lists are capped as root lists are (api/graphql/limits.py MAX_LIST_SIZE), in the
database: each settlement lists at most the cap of its structures, first by name, however many
it has, and a kingdom's settlements come with their campaign without a join per row."""

import pytest

from api.graphql.campaign import dataloaders
from campaign.models import Campaign
from kernel.actor import Actor
from tests import builders
from tests.graphql_client import GraphQLClient, ok

CAP = 3
QUERY = """
    query($k: ID!) {
      settlementsByKingdom(kingdomId: $k) {
        name ownerId campaignId structures { name campaignId }
      }
    }"""


def test_each_settlement_lists_at_most_the_cap_of_its_structures(
    gql: GraphQLClient, owner: Actor, campaign: Campaign, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Given a cap of three, and settlements with five structures and with one
    monkeypatch.setattr(dataloaders, "MAX_LIST_SIZE", CAP)
    realm = builders.kingdom(owner, campaign)
    big = builders.settlement(owner, realm, name="A big town")
    small = builders.settlement(owner, realm, name="B small town")
    for name in ("e", "d", "c", "b", "a"):
        builders.structure(owner, big, name=name)
    builders.structure(owner, small, name="only")

    # When the kingdom's settlements are listed with their structures
    listed = ok(gql(QUERY, {"k": str(realm.uid)}, "viewer"))["settlementsByKingdom"]

    # Then the big one lists the first three by name, the small one its own
    assert [s["name"] for s in listed] == [big.name, small.name]
    assert [s["name"] for s in listed[0]["structures"]] == ["a", "b", "c"]
    assert [s["name"] for s in listed[1]["structures"]] == ["only"]
    ids = {s["campaignId"] for s in listed} | {
        t["campaignId"] for s in listed for t in s["structures"]
    }
    assert ids == {str(campaign.pk)}
    assert {s["ownerId"] for s in listed} == {str(campaign.owner_id)}
