"""The single-page app's operations against our schema: every one validates, and every one that
touches only the core domain's root fields runs on real data and returns data without errors."""

from collections.abc import Callable
from typing import Any

import pytest
from graphql import FieldNode, OperationDefinitionNode, parse, validate

from campaign.actions import merges
from campaign.models import User
from kernel.actor import Actor
from tests.builders import Dataset, geo_point
from tests.graphql.operations import GRAPHQL_SCHEMA, campaign_domain_fields
from tests.graphql.spa_operations import OPERATIONS
from tests.graphql_client import GraphQLClient, ok


def root_fields(document: str) -> set[str]:
    fields = set()
    for definition in parse(document).definitions:
        if isinstance(definition, OperationDefinitionNode):
            for selection in definition.selection_set.selections:
                assert isinstance(selection, FieldNode)
                fields.add(selection.name.value)
    return fields


CORE = {name for name, doc in OPERATIONS.items() if root_fields(doc) <= campaign_domain_fields(
    "Query") | campaign_domain_fields("Mutation")}  # fmt: skip

Variables = Callable[[Dataset], dict[str, Any]]

VARIABLES: dict[str, Variables] = {
    "GetEntityAuditHistory": lambda d: {
        "entityType": "Settlement", "entityId": d.settlement, "limit": 20,
    },
    "GetUserAuditHistory": lambda d: {
        "userId": d.users["owner"], "limit": 50, "skip": 0, "operations": ["CREATE", "UPDATE"],
        "startDate": "2000-01-01T00:00:00.000Z", "endDate": "2999-01-01T00:00:00.000Z",
        "sortBy": "timestamp", "sortOrder": "desc",
    },
    "GetBranch": lambda d: {"id": d.side_branch},
    "GetBranches": lambda d: {"campaignId": d.campaign},
    "GetBranchHierarchy": lambda d: {"campaignId": d.campaign},
    "CreateBranch": lambda d: {"input": {
        "campaignId": d.campaign, "parentId": d.main_branch, "name": "From the app",
        "description": "Made by the SPA", "isPinned": False, "color": "#00ff00", "tags": ["spa"],
    }},
    "UpdateBranch": lambda d: {"id": d.side_branch, "input": {
        "name": "Renamed", "description": "d", "isPinned": True, "color": "#123456", "tags": [],
    }},
    "DeleteBranch": lambda d: {"id": d.side_branch},
    "ForkBranch": lambda d: {"input": {
        "sourceBranchId": d.main_branch, "name": "Forked by the app", "description": "d",
        "worldTime": "2024-03-02T00:00:00.000Z",
    }},
    "PreviewMerge": lambda d: {"input": {
        "sourceBranchId": d.side_branch, "targetBranchId": d.main_branch,
        "worldTime": "2024-03-02T00:00:00.000Z",
    }},
    "ExecuteMerge": lambda d: {"input": {
        "sourceBranchId": d.main_branch, "targetBranchId": d.side_branch,
        "worldTime": "2024-03-02T00:00:00.000Z", "resolutions": [],
    }},
    # The kingdom's rename, onto the side branch forked before the kingdom was made: a conflict.
    "CherryPickVersion": lambda d: {"input": {
        "sourceVersionId": d.kingdom_versions[1], "targetBranchId": d.side_branch,
    }},
    "GetMergeHistory": lambda d: {"branchId": merged_into_side_branch(d)},
    "RestoreVersion": lambda d: {"input": {
        "versionId": d.kingdom_versions[0], "branchId": d.main_branch, "comment": "Undo",
    }},
    "GetSettlementAsOf": lambda d: {
        "id": d.settlement, "branchId": d.main_branch, "asOf": "2024-03-02T00:00:00.000Z",
    },
    "GetStructureAsOf": lambda d: {
        "id": d.structure, "branchId": d.main_branch, "asOf": "2024-03-02T00:00:00.000Z",
    },
    "GetEncountersByCampaign": lambda d: {"campaignId": d.campaign},
    "GetEncounterById": lambda d: {"id": d.encounter},
    "GetEventsByCampaign": lambda d: {"campaignId": d.campaign},
    "GetEventById": lambda d: {"id": d.event},
    "GetKingdomById": lambda d: {"id": d.kingdom},
    "GetLocationsByWorld": lambda d: {"worldId": d.world},
    "GetLocationDetails": lambda d: {"id": d.settlement_location},
    "GetSettlementsByKingdom": lambda d: {"kingdomId": d.kingdom},
    "GetSettlementDetails": lambda d: {"id": d.settlement},
    "GetSettlementStructures": lambda d: {"id": d.settlement},
    "GetSettlementsForMap": lambda d: {"kingdomId": d.kingdom},
    "GetStructureDetails": lambda d: {"id": d.structure},
    "GetStructureConditions": lambda d: {"id": d.structure},
    "GetStructuresForMap": lambda d: {"settlementId": d.settlement},
    "EntityVersions": lambda d: {
        "entityType": "kingdom", "entityId": d.kingdom, "branchId": d.main_branch,
    },
    "VersionDiff": lambda d: {
        "versionId1": d.kingdom_versions[0], "versionId2": d.kingdom_versions[1],
    },
    "GetCurrentWorldTime": lambda d: {"campaignId": d.campaign},
    # The timeline's drag-to-reschedule sends only the new time.
    "UpdateEncounter": lambda d: {
        "id": d.encounter, "input": {"scheduledAt": "2024-03-09T00:00:00Z"},
    },
    "UpdateEvent": lambda d: {"id": d.event, "input": {"scheduledAt": "2024-03-10T00:00:00Z"}},
    "UpdateLocationGeometry": lambda d: {
        "id": d.free_location, "input": {"geoJson": geo_point(52, 62), "expectedVersion": 1},
    },
    "CreateSettlement": lambda d: {"input": {
        "kingdomId": d.kingdom, "locationId": d.free_location, "name": "Tatzlford", "level": 1,
    }},
    # The settlement and structure panels send `{name}` or `{level, expectedVersion}` only.
    "UpdateSettlement": lambda d: {"id": d.settlement, "input": {"name": "Restov Prime"}},
    "DeleteSettlement": lambda d: {"id": d.settlement},
    "ArchiveSettlement": lambda d: {"id": d.settlement, "branchId": d.main_branch},
    "RestoreSettlement": lambda d: {"id": d.settlement, "branchId": None},
    "CreateStructure": lambda d: {"input": {
        "settlementId": d.settlement, "name": "Barracks", "type": "barracks", "level": 1,
        "x": 0, "y": 0,
    }},
    "UpdateStructure": lambda d: {"id": d.structure, "input": {"level": 2, "expectedVersion": 1}},
    "DeleteStructure": lambda d: {"id": d.structure},
    "ArchiveStructure": lambda d: {"id": d.structure, "branchId": d.main_branch},
    "RestoreStructure": lambda d: {"id": d.structure},
}  # fmt: skip


def merged_into_side_branch(data: Dataset) -> str:
    """The side branch, once the main branch was merged into it (in the test's transaction)."""
    owner = Actor(User.objects.get(pk=data.users["owner"]))
    merges.execute_merge(
        owner,
        source_branch_id=data.main_branch,
        target_branch_id=data.side_branch,
        world_time="2024-03-02T00:00:00Z",
    )
    return data.side_branch


def test_every_core_operation_runs_here() -> None:
    # Then every operation on the core domain's root fields has variables to run with
    assert set(VARIABLES) == CORE


@pytest.mark.parametrize("name", sorted(OPERATIONS))
def test_operation_validates_against_our_schema(name: str) -> None:
    # Given one of the app's operation documents
    document = parse(OPERATIONS[name])

    # When it is validated against our schema
    errors = validate(GRAPHQL_SCHEMA, document)

    # Then it is valid
    assert not errors, [error.message for error in errors]


@pytest.mark.parametrize("name", sorted(VARIABLES))
def test_operation_returns_data(gql: GraphQLClient, data: Dataset, name: str) -> None:
    # Given one of the app's operations on the core domain, with variables of real rows
    variables = VARIABLES[name](data)

    # When the owner's app sends it
    body = gql(OPERATIONS[name], variables, "owner")

    # Then data comes back for every root field, without errors
    result = ok(body)
    for field in root_fields(OPERATIONS[name]):
        assert result[field] not in (None, [], False), (field, result)


def test_settlement_details_carry_the_appendix_a_fields(gql: GraphQLClient, data: Dataset) -> None:
    # Given the settlement at (10, 20)
    # When the app loads its details
    body = gql(OPERATIONS["GetSettlementDetails"], {"id": data.settlement}, "viewer")

    # Then the fields the app needs are there (docs/graphql-contract.md#compatible-extensions)
    settlement = ok(body)["settlement"]
    assert settlement | {"createdAt": None, "updatedAt": None} == {
        "id": data.settlement,
        "name": "Restov",
        "level": 1,
        "x": 10.0,
        "y": 20.0,
        "z": None,
        "campaignId": data.campaign,
        "kingdomId": data.kingdom,
        "locationId": data.settlement_location,
        "ownerId": data.users["owner"],
        "isArchived": False,
        "archivedAt": None,
        "createdAt": None,
        "updatedAt": None,
        "computedFields": settlement["computedFields"],
        "variables": {"population": 1200},
        "variableSchemas": [{"name": "population", "type": "number", "required": False}],
    }
    assert settlement["createdAt"].endswith("Z")
    assert len(settlement["createdAt"]) == len("2024-03-01T12:00:00.000Z")


def test_the_map_gets_geometry_through_settlements_and_structures(
    gql: GraphQLClient, data: Dataset
) -> None:
    # Given a settlement with a structure, on a point location
    # When the map loads its layers
    settlements = ok(gql(OPERATIONS["GetSettlementsForMap"], {"kingdomId": data.kingdom},
                         "player"))["settlementsByKingdom"]  # fmt: skip
    structures = ok(gql(OPERATIONS["GetStructuresForMap"], {"settlementId": data.settlement},
                        "player"))["structuresBySettlement"]  # fmt: skip

    # Then both carry the location's GeoJSON
    assert settlements[0]["location"]["geojson"] == geo_point(10, 20)
    assert structures[0]["settlement"]["location"]["geojson"] == geo_point(10, 20)
