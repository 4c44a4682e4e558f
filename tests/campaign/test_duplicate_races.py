"""Two requests that make the same unique thing at the same moment (a member added twice, one
branch name, one location settled twice, one link twice) give one winner; the other is a
BAD_REQUEST naming the field, exactly as when the row already existed, and writes nothing.

The requests are real GraphQL requests raced in threads (``tests/campaign/races.py``), on
PostgreSQL and on SQLite.
"""

from collections.abc import Callable
from typing import Any

import pytest

from campaign.actions import branches, campaigns, links
from campaign.models import (
    AuditLog,
    Branch,
    Campaign,
    CampaignMembership,
    Link,
    Settlement,
    Version,
)
from kernel.actor import Actor
from tests import builders
from tests.campaign.races import on_each_database, race
from tests.conftest import make_user
from tests.graphql_client import GraphQLClient, refusal

pytestmark = pytest.mark.django_db(transaction=True)


def as_owner(query: str, variables: dict[str, Any]) -> Callable[[], dict[str, Any]]:
    """One request as the owner, through a client of its own (one per thread)."""
    return lambda: GraphQLClient()(query, variables, "owner")


def one_winner(results: list[list[Any]], field: str) -> None:
    """In every round exactly one request went through; the others were refused naming ``field``."""
    for bodies in results:
        won = [body for body in bodies if not body.get("errors")]
        assert len(won) == 1, bodies
        for body in bodies:
            if body is not won[0]:
                assert refusal(body)["extensions"]["field"] == field


def history() -> tuple[int, int]:
    return Version.objects.count(), AuditLog.objects.count()


def cost(change: Callable[[], object]) -> tuple[int, int]:
    """The versions and audit rows one accepted change writes, measured on one nobody races."""
    before = history()
    change()
    versions, audit_rows = (after - was for after, was in zip(history(), before, strict=True))
    return versions, audit_rows


def assert_history_grew(before: tuple[int, int], rounds: int, one: tuple[int, int]) -> None:
    """Only the winners wrote: ``rounds`` accepted changes of ``one`` each, nothing else."""
    assert history() == (before[0] + rounds * one[0], before[1] + rounds * one[1])


ADD_MEMBER = (
    "mutation($c: ID!, $u: ID!) {"
    ' addCampaignMember(input: {campaignId: $c, userId: $u, role: "PLAYER"}) { userId } }'
)


@on_each_database(postgresql=10, sqlite=3)
def test_a_member_added_twice_at_once_is_added_once(
    shared_database: None, owner: Actor, campaign: Campaign, rounds: int
) -> None:
    users = [make_user(f"joiner{n}@example.com") for n in range(rounds)]
    quiet = make_user("quiet@example.com")
    one = cost(
        lambda: campaigns.add_member(
            owner, campaign_id=campaign.pk, user_id=quiet.pk, role="PLAYER"
        )
    )
    before, members = history(), CampaignMembership.objects.count()

    plans = [[as_owner(ADD_MEMBER, {"c": str(campaign.pk), "u": str(u.pk)})] * 2 for u in users]
    results = race(plans)

    one_winner(results, "userId")
    assert_history_grew(before, rounds, one)
    assert CampaignMembership.objects.count() == members + rounds


CREATE_BRANCH = (
    "mutation($c: ID!, $n: String!) { createBranch(input: {campaignId: $c, name: $n}) { id } }"
)
RENAME_BRANCH = (
    "mutation($id: ID!, $n: String!) { updateBranch(id: $id, input: {name: $n}) { id } }"
)


@on_each_database(postgresql=10, sqlite=3)
def test_one_branch_name_taken_twice_at_once_is_taken_once(
    shared_database: None, owner: Actor, campaign: Campaign, rounds: int
) -> None:
    one = cost(
        lambda: branches.create_branch(
            owner, campaign_id=campaign.pk, parent_id=None, data={"name": "quiet"}
        )
    )
    before, count = history(), Branch.objects.count()

    created = race(
        [
            [as_owner(CREATE_BRANCH, {"c": str(campaign.pk), "n": f"side {n}"})] * 2
            for n in range(rounds)
        ]
    )

    one_winner(created, "name")
    assert_history_grew(before, rounds, one)
    assert Branch.objects.count() == count + rounds

    olds = [
        (
            branches.create_branch(
                owner, campaign_id=campaign.pk, parent_id=None, data={"name": f"a {n}"}
            ),
            branches.create_branch(
                owner, campaign_id=campaign.pk, parent_id=None, data={"name": f"b {n}"}
            ),
        )
        for n in range(rounds)
    ]
    quiet = branches.create_branch(
        owner, campaign_id=campaign.pk, parent_id=None, data={"name": "quiet 2"}
    )
    one = cost(lambda: branches.update_branch(owner, branch_id=quiet.pk, data={"name": "calm"}))
    before, count = history(), Branch.objects.count()

    renamed = race(
        [
            [as_owner(RENAME_BRANCH, {"id": str(b.pk), "n": f"taken {n}"}) for b in pair]
            for n, pair in enumerate(olds)
        ]
    )

    one_winner(renamed, "name")
    assert_history_grew(before, rounds, one)
    assert Branch.objects.count() == count
    names = sorted(Branch.objects.filter(name__startswith="taken").values_list("name", flat=True))
    assert names == sorted(f"taken {n}" for n in range(rounds))


CREATE_SETTLEMENT = (
    'mutation($k: ID!, $l: ID!) { createSettlement(input: {kingdomId: $k, name: "S",'
    " locationId: $l}) { id } }"
)


@on_each_database(postgresql=10, sqlite=3)
def test_a_location_settled_twice_at_once_is_settled_once(
    shared_database: None, owner: Actor, campaign: Campaign, rounds: int
) -> None:
    # Two kingdoms, so that the kingdoms' locks do not put the two in line.
    realms = [builders.kingdom(owner, campaign), builders.kingdom(owner, campaign)]
    quiet = builders.point(owner, campaign)
    places = [builders.point(owner, campaign) for _ in range(rounds)]
    one = cost(lambda: builders.settlement(owner, realms[0], location=quiet))
    before, count = history(), Settlement.objects.count()

    results = race(
        [
            [as_owner(CREATE_SETTLEMENT, {"k": str(r.uid), "l": str(p.pk)}) for r in realms]
            for p in places
        ]
    )

    one_winner(results, "locationId")
    assert_history_grew(before, rounds, one)
    assert Settlement.objects.count() == count + rounds


CREATE_LINK = (
    "mutation($c: ID!, $s: String!, $t: String!) { createLink(input: {campaignId: $c,"
    ' sourceType: "event", sourceId: $s, targetType: "event", targetId: $t,'
    ' linkType: "blocks"}) { id } }'
)
RETYPE_LINK = 'mutation($id: ID!) { updateLink(id: $id, input: {linkType: "blocks"}) { id } }'


@on_each_database(postgresql=10, sqlite=3)
def test_one_link_made_twice_at_once_is_made_once(
    shared_database: None, owner: Actor, campaign: Campaign, rounds: int
) -> None:
    ends = [
        tuple(builders.event(owner, campaign, name=f"{n}{x}", event_type="story") for x in "AB")
        for n in range(rounds + 1)
    ]
    quiet_source, quiet_target = ends.pop()
    one = cost(
        lambda: links.create_link(
            owner,
            campaign_id=campaign.pk,
            data={
                "source_type": "event",
                "source_id": str(quiet_source.uid),
                "target_type": "event",
                "target_id": str(quiet_target.uid),
                "link_type": "blocks",
            },
        )
    )
    before, count = history(), Link.objects.count()

    made = race(
        [
            [as_owner(CREATE_LINK, {"c": str(campaign.pk), "s": str(a.uid), "t": str(b.uid)})] * 2
            for a, b in ends
        ]
    )

    one_winner(made, "linkType")
    assert_history_grew(before, rounds, one)
    assert Link.objects.count() == count + rounds

    # Two links between other ends, both retyped into one type at once.
    pairs = []
    for n in range(rounds + 1):
        a, b = (builders.event(owner, campaign, name=f"r{n}{x}", event_type="story") for x in "AB")
        between = {"source_type": "event", "source_id": str(a.uid), "target_type": "event"}
        pairs.append(
            [
                links.create_link(
                    owner,
                    campaign_id=campaign.pk,
                    data={**between, "target_id": str(b.uid), "link_type": kind},
                )
                for kind in ("related", "triggers")
            ]
        )
    quiet_pair = pairs.pop()
    one = cost(
        lambda: links.update_link(owner, link_id=quiet_pair[0].uid, data={"link_type": "blocks"})
    )
    before, count = history(), Link.objects.count()

    retyped = race(
        [[as_owner(RETYPE_LINK, {"id": str(link.uid)}) for link in pair] for pair in pairs]
    )

    one_winner(retyped, "linkType")
    assert_history_grew(before, rounds, one)
    # Retyping a link into a type that already joins the same ends is refused up front.
    (loser,) = Link.objects.filter(pk__in=[link.pk for link in pairs[0]]).exclude(
        link_type="blocks"
    )
    again = GraphQLClient()(RETYPE_LINK, {"id": str(loser.uid)}, "owner")
    assert refusal(again)["extensions"]["field"] == "linkType"
    assert Link.objects.count() == count
    for pair in pairs:
        kinds = sorted(
            Link.objects.filter(pk__in=[link.pk for link in pair]).values_list(
                "link_type", flat=True
            )
        )
        assert kinds in (["blocks", "related"], ["blocks", "triggers"])
