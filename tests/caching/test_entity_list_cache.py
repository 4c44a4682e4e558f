"""Entity lists (kingdomsByCampaign, settlementsByKingdom, structuresBySettlement) are cached
under the generation of their branch: a committed write is seen by the next read, another branch
keeps its cached lists, the parent is authorized before the cache is read, and every hit, miss
and set is counted."""

from typing import Any

from campaign.actions import settlements
from campaign.models import Branch, Campaign, Kingdom, Settlement, User
from kernel import cache_stats
from kernel.actor import Actor
from tests import builders
from tests.conftest import make_user
from tests.graphql_client import GraphQLClient, code_of, ok

SETTLEMENTS = (
    "query($k: ID!, $b: ID) { settlementsByKingdom(kingdomId: $k, branchId: $b) { name } }"
)
STRUCTURES = "query($s: ID!) { structuresBySettlement(settlementId: $s) { name } }"
KINGDOMS = "query($c: ID!) { kingdomsByCampaign(campaignId: $c) { name } }"
STATS = "{ getCacheStats { namespaces { namespace hits misses sets } } }"
OPERATOR = "operator@example.com"


def counted(gql: GraphQLClient, namespace: str) -> tuple[int, int, int]:
    operator = User.objects.filter(email=OPERATOR).first() or make_user(OPERATOR, is_staff=True)
    stats = ok(gql(STATS, user=operator))["getCacheStats"]
    [found] = [n for n in stats["namespaces"] if n["namespace"] == namespace]
    return found["hits"], found["misses"], found["sets"]


def names(gql: GraphQLClient, query: str, variables: dict[str, Any], field: str) -> list[str]:
    return [row["name"] for row in ok(gql(query, variables, "viewer"))[field]]


def test_a_committed_write_is_seen_by_the_next_read(
    gql: GraphQLClient, owner: Actor, kingdom: Kingdom, django_capture_on_commit_callbacks: Any
) -> None:
    # Given a kingdom's settlements, read twice (stored, then served from the cache)
    variables = {"k": str(kingdom.uid)}
    assert names(gql, SETTLEMENTS, variables, "settlementsByKingdom") == ["Restov"]
    assert names(gql, SETTLEMENTS, variables, "settlementsByKingdom") == ["Restov"]
    assert counted(gql, cache_stats.SETTLEMENTS) == (1, 1, 1)

    # When a settlement is renamed and the write commits
    [restov] = Settlement.objects.filter(kingdom=kingdom)
    with django_capture_on_commit_callbacks(execute=True):
        settlements.update_settlement(owner, settlement_id=restov.uid, data={"name": "Tuskwater"})

    # Then the next read sees it (a miss under the bumped generation), and is cached again
    assert names(gql, SETTLEMENTS, variables, "settlementsByKingdom") == ["Tuskwater"]
    assert names(gql, SETTLEMENTS, variables, "settlementsByKingdom") == ["Tuskwater"]
    assert counted(gql, cache_stats.SETTLEMENTS) == (2, 2, 2)


def test_a_write_on_one_branch_leaves_another_branch_cached(
    gql: GraphQLClient,
    owner: Actor,
    kingdom: Kingdom,
    fork: Branch,
    django_capture_on_commit_callbacks: Any,
) -> None:
    # Given the kingdom's settlements read on the main branch and on a fork
    on_main = {"k": str(kingdom.uid), "b": str(fork.parent_id)}
    on_fork = {"k": str(kingdom.uid), "b": str(fork.pk)}
    names(gql, SETTLEMENTS, on_main, "settlementsByKingdom")
    names(gql, SETTLEMENTS, on_fork, "settlementsByKingdom")

    # When a settlement is renamed on the fork only
    [restov] = Settlement.objects.filter(kingdom=kingdom)
    with django_capture_on_commit_callbacks(execute=True):
        settlements.update_settlement(
            owner, settlement_id=restov.uid, data={"name": "Tuskwater"}, branch_id=fork.pk
        )

    # Then the fork's next read sees the write, and main's is still served from the cache
    assert names(gql, SETTLEMENTS, on_fork, "settlementsByKingdom") == ["Tuskwater"]
    assert names(gql, SETTLEMENTS, on_main, "settlementsByKingdom") == ["Restov"]
    assert counted(gql, cache_stats.SETTLEMENTS) == (1, 3, 3)


def test_the_parent_is_authorized_before_the_cache_is_read(
    gql: GraphQLClient, kingdom: Kingdom
) -> None:
    # Given a kingdom's settlements in the cache
    variables = {"k": str(kingdom.uid)}
    names(gql, SETTLEMENTS, variables, "settlementsByKingdom")

    # When someone who is not a member asks for them
    body = gql(SETTLEMENTS, variables, "outsider")

    # Then the kingdom does not exist for them, and the cache was not read
    assert code_of(body) == "NOT_FOUND"
    assert counted(gql, cache_stats.SETTLEMENTS) == (0, 1, 1)


def test_a_settlements_structures_are_cached_and_see_a_new_one(
    gql: GraphQLClient, owner: Actor, kingdom: Kingdom, django_capture_on_commit_callbacks: Any
) -> None:
    # Given a settlement's structures read twice
    [restov] = Settlement.objects.filter(kingdom=kingdom)
    with django_capture_on_commit_callbacks(execute=True):
        builders.structure(owner, restov, name="Keep")
    variables = {"s": str(restov.uid)}
    names(gql, STRUCTURES, variables, "structuresBySettlement")
    assert names(gql, STRUCTURES, variables, "structuresBySettlement") == ["Keep"]

    # When a structure is added
    with django_capture_on_commit_callbacks(execute=True):
        builders.structure(owner, restov, name="Arena")

    # Then the next read lists it
    assert names(gql, STRUCTURES, variables, "structuresBySettlement") == ["Arena", "Keep"]
    assert counted(gql, cache_stats.STRUCTURES) == (1, 2, 2)


def test_a_branchs_kingdoms_are_cached_and_see_a_new_one(
    gql: GraphQLClient,
    owner: Actor,
    campaign: Campaign,
    kingdom: Kingdom,
    django_capture_on_commit_callbacks: Any,
) -> None:
    # Given the campaign's kingdoms read twice
    variables = {"c": str(campaign.pk)}
    names(gql, KINGDOMS, variables, "kingdomsByCampaign")
    assert names(gql, KINGDOMS, variables, "kingdomsByCampaign") == ["Brevoy"]

    # When a kingdom is founded
    with django_capture_on_commit_callbacks(execute=True):
        builders.kingdom(owner, campaign, name="Aldori")

    # Then the next read lists it
    assert names(gql, KINGDOMS, variables, "kingdomsByCampaign") == ["Aldori", "Brevoy"]
    assert counted(gql, cache_stats.KINGDOMS) == (1, 2, 2)
