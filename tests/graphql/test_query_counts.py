"""N+1 freedom (docs/decisions.md §14): every list query issues the same number of SQL queries
for 1 row as for 25 rows, nested relations included."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from graphql import get_named_type, is_list_type, is_non_null_type

from campaign.actions import (
    branches,
    campaigns,
    characters,
    events,
    kingdoms,
    links,
    locations,
    merges,
    worlds,
)
from campaign.models import Branch, Campaign, Kingdom, Role, Settlement, User
from kernel.actor import Actor
from tests import builders
from tests.graphql.operations import GRAPHQL_SCHEMA, campaign_domain_fields
from tests.graphql_client import GraphQLClient, forget_earlier_requests, ok

MANY = 25


@dataclass
class Scene:
    owner: Actor
    campaign: Campaign

    @property
    def world_id(self) -> str:
        return str(self.campaign.world_id)


Setup = Callable[[Scene], dict[str, Any]]
Add = Callable[[Scene, dict[str, Any], int], None]


def count_rows(rows: list[Any]) -> int:
    return len(rows)


def count_nodes(forest: list[dict[str, Any]]) -> int:
    """Branches in a BranchNode forest, at every depth."""
    return sum(1 + count_nodes(node.get("children") or []) for node in forest)


@dataclass(frozen=True)
class ListCase:
    query: str
    setup: Setup  # creates the parent; returns the query's variables
    add: Add  # adds the i-th row to the list
    size: Callable[[Any], int] = count_rows


def campaign_vars(scene: Scene) -> dict[str, Any]:
    return {"campaignId": str(scene.campaign.pk)}


def kingdom_vars(scene: Scene) -> dict[str, Any]:
    return {"kingdomId": str(builders.kingdom(scene.owner, scene.campaign).uid)}


def add_settlement(scene: Scene, variables: dict[str, Any], i: int) -> None:
    parent = Kingdom.objects.get(uid=variables["kingdomId"])
    settlement = builders.settlement(
        scene.owner, parent, location=builders.point(scene.owner, scene.campaign, i, i)
    )
    builders.structure(scene.owner, settlement)
    builders.structure(scene.owner, settlement)


def settlement_vars(scene: Scene) -> dict[str, Any]:
    kingdom = builders.kingdom(scene.owner, scene.campaign)
    return {"settlementId": str(builders.settlement(scene.owner, kingdom).uid)}


def add_structure(scene: Scene, variables: dict[str, Any], i: int) -> None:
    builders.structure(scene.owner, Settlement.objects.get(uid=variables["settlementId"]))


def add_character(scene: Scene, variables: dict[str, Any], i: int) -> None:
    # Each character in its own party, so the party ids must be batched, not cached.
    party = builders.party(scene.owner, scene.campaign, name=f"Party {i}")
    characters.create_character(
        scene.owner,
        campaign_id=scene.campaign.pk,
        data={"name": f"Hero {i}", "party_id": str(party.uid)},
    )


def add_party(scene: Scene, variables: dict[str, Any], i: int) -> None:
    party = builders.party(scene.owner, scene.campaign, name=f"Party {i}")
    for j in range(2):
        characters.create_character(
            scene.owner,
            campaign_id=scene.campaign.pk,
            data={"name": f"Hero {i}.{j}", "party_id": str(party.uid)},
        )


def party_vars(scene: Scene) -> dict[str, Any]:
    return {"partyId": str(builders.party(scene.owner, scene.campaign, name="P").uid)}


def add_party_member(scene: Scene, variables: dict[str, Any], i: int) -> None:
    data = {"name": f"Hero {i}", "party_id": variables["partyId"]}
    characters.create_character(scene.owner, campaign_id=scene.campaign.pk, data=data)


def location_vars(scene: Scene) -> dict[str, Any]:
    return {"locationId": str(builders.point(scene.owner, scene.campaign).pk)}


def add_event(scene: Scene, variables: dict[str, Any], i: int) -> None:
    data = {"name": f"Event {i}", "event_type": "story", "location_id": variables.get("locationId")}
    events.create_event(scene.owner, campaign_id=scene.campaign.pk, data=data)


def add_encounter(scene: Scene, variables: dict[str, Any], i: int) -> None:
    data = {"name": f"Encounter {i}", "location_id": variables.get("locationId")}
    events.create_encounter(scene.owner, campaign_id=scene.campaign.pk, data=data)


def around_vars(scene: Scene) -> dict[str, Any]:
    """A region around the places ``add_location`` and ``add_settlement_near`` make."""
    ring = [[-1, -1], [99, -1], [99, 99], [-1, 99], [-1, -1]]
    region = locations.create_location(
        scene.owner,
        world_id=scene.world_id,
        data={"type": "region", "geometry": {"type": "Polygon", "coordinates": [ring]}},
    )
    return {"regionId": str(region.pk)}


def near_vars(scene: Scene) -> dict[str, Any]:
    point = {"longitude": 0, "latitude": 0}
    return {"input": {"point": point, "radius": 1000, "worldId": scene.world_id}}


def add_settlement_near(scene: Scene, variables: dict[str, Any], i: int) -> None:
    """A settlement of the campaign's first kingdom at (i, i), with a structure."""
    first = Kingdom.objects.filter(branch__campaign=scene.campaign).order_by("created_at").first()
    settlement = builders.settlement(
        scene.owner,
        first or builders.kingdom(scene.owner, scene.campaign),
        location=builders.point(scene.owner, scene.campaign, i, i),
    )
    builders.structure(scene.owner, settlement)


def committed(add: Add) -> Add:
    """``add``, with its after-commit work done (spatial answers and entity lists are cached
    under generations that a commit bumps; the test's transaction never commits)."""

    def add_and_commit(scene: Scene, variables: dict[str, Any], i: int) -> None:
        with TestCase.captureOnCommitCallbacks(execute=True):
            add(scene, variables, i)

    return add_and_commit


def add_location(scene: Scene, variables: dict[str, Any], i: int) -> None:
    data = {
        "type": "point",
        "name": f"Place {i}",
        "geometry": {"type": "Point", "coordinates": [i, i]},
        "parent_id": variables.get("parentLocationId"),
    }
    locations.create_location(scene.owner, world_id=scene.world_id, data=data)


def region_vars(scene: Scene) -> dict[str, Any]:
    square = {"type": "Polygon", "coordinates": [[[0, 0], [99, 0], [99, 99], [0, 99], [0, 0]]]}
    region = locations.create_location(
        scene.owner, world_id=scene.world_id, data={"type": "region", "geometry": square}
    )
    return {"parentLocationId": str(region.pk)}


def add_campaign(scene: Scene, variables: dict[str, Any], i: int) -> None:
    campaigns.create_campaign(scene.owner, world_id=scene.world_id, data={"name": f"Campaign {i}"})


def add_world(scene: Scene, variables: dict[str, Any], i: int) -> None:
    worlds.create_world(scene.owner, data={"name": f"World {i}", "calendars": []})


def event_vars(scene: Scene) -> dict[str, Any]:
    event = builders.event(scene.owner, scene.campaign, name="Hub", event_type="story")
    encounter = builders.encounter(scene.owner, scene.campaign, name="Sink")
    return {"event": str(event.uid), "encounter": str(encounter.uid)}


def add_link(end: str) -> Add:
    def add(scene: Scene, variables: dict[str, Any], i: int) -> None:
        other = builders.encounter(scene.owner, scene.campaign, name=f"Spoke {i}")
        hub_event = {"type": "event", "id": variables["event"]}
        spoke = {"type": "encounter", "id": str(other.uid)}
        if end == "target":  # links into the hub encounter, from fresh events
            hub_event = {"type": "encounter", "id": variables["encounter"]}
            fresh = builders.event(
                scene.owner, scene.campaign, name=f"Spoke {i}", event_type="story"
            )
            spoke = {"type": "event", "id": str(fresh.uid)}
        source, target = (hub_event, spoke) if end == "source" else (spoke, hub_event)
        links.create_link(
            scene.owner,
            campaign_id=scene.campaign.pk,
            data={
                "source_type": source["type"],
                "source_id": source["id"],
                "target_type": target["type"],
                "target_id": target["id"],
                "link_type": "related",
            },
        )

    return add


def add_branch(scene: Scene, variables: dict[str, Any], i: int) -> None:
    # Every other branch forks from the previous one, so parents and children vary.
    parent = Branch.objects.filter(campaign=scene.campaign).order_by("-created_at").first()
    parent_id = parent.pk if parent is not None and i % 2 else None
    branches.create_branch(
        scene.owner,
        campaign_id=scene.campaign.pk,
        parent_id=parent_id,
        data={"name": f"Branch {i}"},
    )


def audited_kingdom_vars(scene: Scene) -> dict[str, Any]:
    kingdom = builders.kingdom(scene.owner, scene.campaign)
    return {"entityType": "kingdom", "entityId": str(kingdom.uid)}


def add_kingdom_update(scene: Scene, variables: dict[str, Any], i: int) -> None:
    kingdoms.update_kingdom(
        scene.owner, kingdom_id=variables["entityId"], data={"name": f"Renamed {i}"}
    )


def versioned_kingdom_vars(scene: Scene) -> dict[str, Any]:
    variables = audited_kingdom_vars(scene)
    branch = scene.campaign.branches.get(parent__isnull=True)
    return {**variables, "branchId": str(branch.pk)}


def add_member(scene: Scene, variables: dict[str, Any], i: int) -> None:
    user = User.objects.create_user(f"member{i}@example.com", "correct horse battery staple")
    campaigns.add_member(
        scene.owner, campaign_id=scene.campaign.pk, user_id=user.pk, role=Role.PLAYER
    )


def owner_vars(scene: Scene) -> dict[str, Any]:
    return {"userId": str(scene.owner.user_id)}


def add_kingdom(scene: Scene, variables: dict[str, Any], i: int) -> None:
    builders.kingdom(scene.owner, scene.campaign)


FORKED = "2025-01-02T00:00:00Z"


def merge_history_vars(scene: Scene) -> dict[str, Any]:
    """The main branch, and a fork of it named "Merged" whose merges into main are listed."""
    main = Branch.objects.get(campaign=scene.campaign, parent__isnull=True)
    branches.fork_branch(
        scene.owner, source_branch_id=main.pk, data={"name": "Merged", "world_time": FORKED}
    )
    return {"branchId": str(main.pk)}


def add_merge(scene: Scene, variables: dict[str, Any], i: int) -> None:
    # Each merge brings a new kingdom of the fork into main.
    fork = Branch.objects.get(campaign=scene.campaign, name="Merged")
    kingdoms.create_kingdom(
        scene.owner, campaign_id=scene.campaign.pk, data={"name": f"Realm {i}"}, branch_id=fork.pk
    )
    merges.execute_merge(
        scene.owner,
        source_branch_id=fork.pk,
        target_branch_id=variables["branchId"],
        world_time=FORKED,
    )


CASES: dict[str, ListCase] = {
    "getMergeHistory": ListCase(
        "query($branchId: ID!) { getMergeHistory(branchId: $branchId) {"
        " id sourceBranchId sourceBranch { id name } targetBranch { id name } mergedBy"
        " entitiesMerged resolutionsData } }",
        merge_history_vars,
        add_merge,
    ),
    "kingdomsByCampaign": ListCase(
        "query($campaignId: ID!) { kingdomsByCampaign(campaignId: $campaignId) {"
        " id name level campaignId branchId version variables variableSchemas { name } } }",
        campaign_vars,
        committed(add_kingdom),
    ),
    "settlementsByKingdom": ListCase(
        "query($kingdomId: ID!) { settlementsByKingdom(kingdomId: $kingdomId) {"
        " id name kingdomId x y ownerId campaignId isArchived"
        " structures { id settlement { id } } location { id geojson } } }",
        kingdom_vars,
        committed(add_settlement),
    ),
    "structuresBySettlement": ListCase(
        "query($settlementId: ID!) { structuresBySettlement(settlementId: $settlementId) {"
        " id name typeId settlementId settlement { id } } }",
        settlement_vars,
        committed(add_structure),
    ),
    "charactersByCampaign": ListCase(
        "query($campaignId: ID!) { charactersByCampaign(campaignId: $campaignId) {"
        " id name campaignId partyId } }",
        campaign_vars,
        add_character,
    ),
    "charactersByParty": ListCase(
        "query($partyId: ID!) { charactersByParty(partyId: $partyId) { id name partyId } }",
        party_vars,
        add_party_member,
    ),
    "partiesByCampaign": ListCase(
        "query($campaignId: ID!) { partiesByCampaign(campaignId: $campaignId) {"
        " id name level members { id name partyId } } }",
        campaign_vars,
        add_party,
    ),
    "eventsByCampaign": ListCase(
        "query($campaignId: ID!) { eventsByCampaign(campaignId: $campaignId) {"
        " id name campaignId locationId scheduledAt } }",
        campaign_vars,
        add_event,
    ),
    "encountersByCampaign": ListCase(
        "query($campaignId: ID!) { encountersByCampaign(campaignId: $campaignId) {"
        " id name campaignId locationId } }",
        campaign_vars,
        add_encounter,
    ),
    "eventsByLocation": ListCase(
        "query($locationId: ID!) { eventsByLocation(locationId: $locationId) {"
        " id name campaignId locationId } }",
        location_vars,
        add_event,
    ),
    "encountersByLocation": ListCase(
        "query($locationId: ID!) { encountersByLocation(locationId: $locationId) {"
        " id name campaignId locationId } }",
        location_vars,
        add_encounter,
    ),
    "locationsByWorld": ListCase(
        "query($worldId: ID!) { locationsByWorld(worldId: $worldId) {"
        " id name geojson parentLocationId version } }",
        lambda s: {"worldId": s.world_id},
        add_location,
    ),
    "locationsByParent": ListCase(
        "query($parentLocationId: ID!) { locationsByParent(parentLocationId: $parentLocationId) {"
        " id name geojson parentLocationId } }",
        region_vars,
        add_location,
    ),
    "locationsNear": ListCase(
        "query($input: LocationsNearInput!) { locationsNear(input: $input) {"
        " id name type distance geojson parentLocationId } }",
        near_vars,
        committed(add_location),
    ),
    "locationsInRegion": ListCase(
        "query($regionId: ID!) { locationsInRegion(regionId: $regionId) {"
        " id name geojson parentLocationId } }",
        around_vars,
        committed(add_location),
    ),
    "settlementsNear": ListCase(
        "query($input: SettlementsNearInput!) { settlementsNear(input: $input) {"
        " id name level kingdomId locationId campaignId distance } }",
        near_vars,
        committed(add_settlement_near),
    ),
    "settlementsInRegion": ListCase(
        "query($regionId: ID!) { settlementsInRegion(regionId: $regionId) {"
        " id name kingdomId x y structures { id } location { id geojson } } }",
        around_vars,
        committed(add_settlement_near),
    ),
    "campaigns": ListCase(
        "{ campaigns { id name worldId ownerId currentWorldTime } }",
        lambda s: {},
        add_campaign,
    ),
    "campaignsByWorld": ListCase(
        "query($worldId: ID!) { campaignsByWorld(worldId: $worldId) { id name currentWorldTime } }",
        lambda s: {"worldId": s.world_id},
        add_campaign,
    ),
    "worlds": ListCase("{ worlds { id name ownerId calendars } }", lambda s: {}, add_world),
    "linksBySource": ListCase(
        'query($event: ID!) { linksBySource(sourceId: $event, sourceType: "event") {'
        " id campaignId sourceType sourceId targetType targetId linkType } }",
        event_vars,
        add_link("source"),
    ),
    "linksByTarget": ListCase(
        'query($encounter: ID!) { linksByTarget(targetId: $encounter, targetType: "encounter")'
        " { id sourceType sourceId targetType targetId } }",
        event_vars,
        add_link("target"),
    ),
    "branches": ListCase(
        "query($campaignId: ID!) { branches(campaignId: $campaignId) {"
        " id name parentId parent { id name } children { id name parent { id } } } }",
        campaign_vars,
        add_branch,
    ),
    "branchHierarchy": ListCase(
        "query($campaignId: ID!) { branchHierarchy(campaignId: $campaignId) {"
        " branch { id parent { id } } children { branch { id children { id } }"
        " children { branch { id } children { branch { id } } } } } }",
        campaign_vars,
        add_branch,
        count_nodes,
    ),
    "campaignMembers": ListCase(
        "query($campaignId: ID!) { campaignMembers(campaignId: $campaignId) {"
        " userId email name role } }",
        campaign_vars,
        add_member,
    ),
    "entityAuditHistory": ListCase(
        "query($entityType: String!, $entityId: ID!) {"
        " entityAuditHistory(entityType: $entityType, entityId: $entityId) {"
        " id entityType entityId operation userId changes campaignId branchId timestamp } }",
        audited_kingdom_vars,
        add_kingdom_update,
    ),
    "entityVersions": ListCase(
        "query($entityType: String!, $entityId: ID!, $branchId: ID!) {"
        " entityVersions(entityType: $entityType, entityId: $entityId, branchId: $branchId) {"
        " id entityId branchId version payload createdBy } }",
        versioned_kingdom_vars,
        add_kingdom_update,
    ),
    "userAuditHistory": ListCase(
        "query($userId: ID!) { userAuditHistory(userId: $userId, limit: 100) {"
        " id entityType entityId operation userId campaignId } }",
        owner_vars,
        add_kingdom,
    ),
}

# List fields whose items are values inside one row, not rows: nothing to batch.
NOT_ROW_LISTS = {
    f"{kind}{suffix}"
    for kind in ("kingdom", "settlement", "structure", "party")
    for suffix in ("Variables", "VariableSchemas")
}

FIGURES: dict[str, tuple[int, int]] = {}


def list_root_fields() -> set[str]:
    query = GRAPHQL_SCHEMA.query_type
    assert query is not None
    fields = set()
    for name, field in query.fields.items():
        type_ = field.type.of_type if is_non_null_type(field.type) else field.type
        if is_list_type(type_) and hasattr(get_named_type(type_), "fields"):
            fields.add(name)
    return fields & campaign_domain_fields("Query")


def test_every_list_query_is_counted() -> None:
    # Given every root list query of the campaign domain
    fields = list_root_fields()

    # Then each has a count case, or holds values of a single row
    assert fields - NOT_ROW_LISTS - set(CASES) == set()
    assert set(CASES) <= fields


@pytest.fixture
def scene(owner: Actor, campaign: Campaign) -> Scene:
    return Scene(owner, campaign)


def run(
    gql: GraphQLClient, case: ListCase, field: str, variables: dict[str, Any]
) -> tuple[int, int]:
    """(SQL queries, list length) of one request, each the first of its kind."""
    forget_earlier_requests()
    with CaptureQueriesContext(connection) as captured:
        body = gql(case.query, variables, persona="owner")
    return len(captured), case.size(ok(body)[field])


@pytest.mark.parametrize("field", sorted(CASES))
def test_list_query_count_does_not_grow_with_rows(
    gql: GraphQLClient, scene: Scene, field: str
) -> None:
    # Given a list with one row
    case = CASES[field]
    variables = case.setup(scene)
    case.add(scene, variables, 0)
    queries_for_one, length_one = run(gql, case, field, variables)

    # When it grows to 25 rows (each with its own related rows)
    for i in range(1, MANY):
        case.add(scene, variables, i)
    queries_for_many, length_many = run(gql, case, field, variables)

    # Then the same request issues exactly as many SQL queries
    assert length_one >= 1
    assert length_many >= length_one + MANY - 1
    FIGURES[field] = (queries_for_one, queries_for_many)
    print(f"\n{field}: {queries_for_one} queries for {length_one} rows,", end=" ")
    print(f"{queries_for_many} for {length_many}")
    assert queries_for_many == queries_for_one
