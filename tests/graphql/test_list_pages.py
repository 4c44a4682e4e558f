"""Every list of rows is one page of it (api/graphql/paging.py): ``skip`` and ``take`` on root
lists and on lists nested under each row, cut in the database, in the list's own order; an
omitted ``take`` is the largest page, a larger one is cut to it, and a bad one is refused with
the argument named."""

from typing import Any

import pytest
from graphql import GraphQLObjectType, get_named_type, get_nullable_type, is_list_type

from api.graphql.limits import MAX_LIST_SIZE, MAX_PAGE_SIZE, MAX_SKIP
from api.graphql.paging import Page
from campaign.models import Campaign
from config.schema import schema
from kernel.actor import Actor
from tests import builders
from tests.graphql_client import GraphQLClient, error_of, ok

SETTLEMENTS = """
    query($k: ID!, $skip: Int, $take: Int, $innerSkip: Int, $innerTake: Int) {
      settlementsByKingdom(kingdomId: $k, skip: $skip, take: $take) {
        name campaignId ownerId
        structures(skip: $innerSkip, take: $innerTake) { name campaignId }
      }
    }"""
# Lists that are not rows of a table: answers computed whole (a merge's conflicts, a graph, an
# evaluation's trace, a cache report), each bounded by what it is computed from.
COMPUTED = {
    ("Availability", "obstacles"),
    ("BranchNode", "children"),
    ("CacheStats", "namespaces"),
    ("CherryPickResult", "conflicts"),
    ("CycleDetectionResult", "cycles"),
    ("DependencyGraphResult", "nodes"),
    ("DependencyGraphResult", "edges"),
    ("EffectExecutionSummary", "results"),
    ("EncounterResolutionResult", "triggered"),
    ("EntityMergePreview", "conflicts"),
    ("EntityMergePreview", "autoResolvedChanges"),
    ("EvaluationResult", "trace"),
    ("EventCompletionResult", "triggered"),
    ("GeoJSONFeatureCollection", "features"),
    ("MergePreview", "entities"),
    ("TriggeredResolution", "triggered"),
    ("VariableEvaluationResult", "trace"),
    ("Query", "branchHierarchy"),
    ("Query", "getNodeDependencies"),
    ("Query", "getNodeDependents"),
    ("Query", "kingdomVariables"),
    ("Query", "settlementVariables"),
    ("Query", "structureVariables"),
    ("Query", "partyVariables"),
    ("Query", "kingdomVariableSchemas"),
    ("Query", "settlementVariableSchemas"),
    ("Query", "structureVariableSchemas"),
    ("Query", "partyVariableSchemas"),
    ("Kingdom", "variableSchemas"),
    ("Party", "variableSchemas"),
}
# The original's own paged lists keep its arguments: `limit` (and `skip`) on the audit trails.
AUDIT_PAGED = {("Query", "entityAuditHistory"), ("Query", "userAuditHistory")}


def names(rows: list[dict[str, Any]]) -> list[str]:
    return [row["name"] for row in rows]


def test_every_list_of_rows_takes_skip_and_take() -> None:
    # Given every field of the schema whose value is a list of objects
    lists = [
        (type_name, field_name, field)
        for type_name, type_ in schema.graphql_schema.type_map.items()
        if isinstance(type_, GraphQLObjectType) and not type_name.startswith("__")
        for field_name, field in type_.fields.items()
        if is_list_type(get_nullable_type(field.type))
        and isinstance(get_named_type(field.type), GraphQLObjectType)
    ]
    assert len(lists) > 50

    # Then each list of rows pages with skip and take; only computed answers do not
    unpaged = {
        (type_name, field_name)
        for type_name, field_name, field in lists
        if not {"skip", "take"} <= set(field.args)
    }
    assert unpaged - AUDIT_PAGED == COMPUTED


@pytest.mark.parametrize(
    ("skip", "take", "page"),
    [
        (None, None, Page(0, MAX_LIST_SIZE)),
        (0, 10, Page(0, 10)),
        (7, 0, Page(7, 0)),
        (3, 10**9, Page(3, MAX_LIST_SIZE)),
        (MAX_SKIP, 1, Page(MAX_SKIP, 1)),
    ],
)
def test_a_page_is_what_was_asked_cut_to_the_largest(
    skip: int | None, take: int | None, page: Page
) -> None:
    assert Page.of(skip, take) == page


def test_the_rules_lists_of_an_entity_keep_the_original_smaller_page() -> None:
    assert Page.of(0, 10**6, MAX_PAGE_SIZE) == Page(0, MAX_PAGE_SIZE)


def test_pages_walk_a_kingdom_and_each_settlement_in_order_without_overlap(
    gql: GraphQLClient, owner: Actor, campaign: Campaign
) -> None:
    # Given a kingdom of five settlements, the first with five structures, the second with one
    realm = builders.kingdom(owner, campaign)
    towns = [builders.settlement(owner, realm, name=f"town {n}") for n in range(5)]
    for name in ("e", "d", "c", "b", "a"):
        builders.structure(owner, towns[0], name=name)
    builders.structure(owner, towns[1], name="only")

    # When the settlements are read two at a time, each with its structures from the second, two
    def page(skip: int) -> list[dict[str, Any]]:
        variables = {"k": str(realm.uid), "skip": skip, "take": 2, "innerSkip": 1, "innerTake": 2}
        return ok(gql(SETTLEMENTS, variables, "viewer"))["settlementsByKingdom"]  # type: ignore[no-any-return]

    pages = [page(0), page(2), page(4), page(6)]

    # Then the pages hold every settlement once, in name order, and each its own structures' page
    assert [names(p) for p in pages] == [
        ["town 0", "town 1"],
        ["town 2", "town 3"],
        ["town 4"],
        [],
    ]
    assert names(pages[0][0]["structures"]) == ["b", "c"]
    assert pages[0][1]["structures"] == []
    ids = {s["campaignId"] for s in pages[0]} | {t["campaignId"] for t in pages[0][0]["structures"]}
    assert ids == {str(campaign.pk)}
    assert {s["ownerId"] for s in pages[0]} == {str(campaign.owner_id)}


def test_two_pages_of_one_nested_list_in_one_request_are_each_their_own(
    gql: GraphQLClient, owner: Actor, campaign: Campaign
) -> None:
    # Given a settlement of three structures
    realm = builders.kingdom(owner, campaign)
    town = builders.settlement(owner, realm)
    for name in ("a", "b", "c"):
        builders.structure(owner, town, name=name)

    # When one request asks for the first and the rest under two aliases
    query = """query($k: ID!) { settlementsByKingdom(kingdomId: $k) {
        first: structures(take: 1) { name } rest: structures(skip: 1) { name } } }"""
    [listed] = ok(gql(query, {"k": str(realm.uid)}, "viewer"))["settlementsByKingdom"]

    # Then each alias has its own page
    assert (names(listed["first"]), names(listed["rest"])) == (["a"], ["b", "c"])


def test_a_cached_list_answers_each_page_apart(
    gql: GraphQLClient, owner: Actor, campaign: Campaign
) -> None:
    # Given a campaign of three kingdoms, its list read once whole (and so cached)
    for name in ("K1", "K2", "K3"):
        builders.kingdom(owner, campaign, name=name)
    query = """query($c: ID!, $skip: Int, $take: Int) {
        kingdomsByCampaign(campaignId: $c, skip: $skip, take: $take) { name } }"""
    whole = ok(gql(query, {"c": str(campaign.pk)}, "viewer"))["kingdomsByCampaign"]

    # When pages of it are read after
    second = ok(gql(query, {"c": str(campaign.pk), "skip": 1, "take": 1}, "viewer"))

    # Then each page is its own, not the cached whole
    assert names(whole) == ["K1", "K2", "K3"]
    assert names(second["kingdomsByCampaign"]) == ["K2"]


@pytest.mark.parametrize(
    ("arguments", "field"),
    [("skip: -1", "skip"), (f"skip: {MAX_SKIP + 1}", "skip"), ("take: -1", "take")],
)
def test_a_bad_page_is_refused_naming_the_argument(
    gql: GraphQLClient, campaign: Campaign, arguments: str, field: str
) -> None:
    # When a list is asked for with a page that cannot be
    body = gql(
        f'{{ kingdomsByCampaign(campaignId: "{campaign.pk}", {arguments}) {{ name }} }}',
        None,
        "viewer",
    )

    # Then it is refused, the argument named, and nothing else said
    error = error_of(body)
    assert (error["extensions"]["code"], error["extensions"]["field"]) == ("BAD_REQUEST", field)
