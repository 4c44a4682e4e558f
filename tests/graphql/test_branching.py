"""Forks, merges, cherry-picks, restores and as-of reads through the API, as the single-page app
sends them (tests/graphql/spa_operations.py)."""

import json
from typing import Any

import pytest

from campaign.actions import characters, parties
from campaign.models import Branch, Campaign, Character, Settlement, Version
from kernel.actor import Actor
from tests import builders
from tests.graphql.spa_operations import OPERATIONS
from tests.graphql_client import GraphQLClient, error_of, ok

pytestmark = pytest.mark.django_db
FORKED, LATER = "2025-01-02T00:00:00.000Z", "2025-01-04T00:00:00.000Z"
RENAME = """mutation($id: ID!, $b: ID, $name: String!) {
  updateSettlement(id: $id, input: {branchId: $b, name: $name}) { name } }"""


@pytest.fixture
def town(owner: Actor, campaign: Campaign) -> Settlement:
    return builders.settlement(owner, builders.kingdom(owner, campaign), name="Restov")


def main_of(campaign: Campaign) -> str:
    return str(Branch.objects.get(campaign=campaign, parent__isnull=True).pk)


def fork(gql: GraphQLClient, campaign: Campaign, copied: int = 2) -> str:
    body = gql(
        OPERATIONS["ForkBranch"],
        {"input": {"sourceBranchId": main_of(campaign), "name": "Feature", "worldTime": FORKED}},
        "gm",
    )
    result = ok(body)["forkBranch"]
    assert result["versionsCopied"] == copied  # the kingdom and the settlement, by default
    assert result["branch"]["divergedAt"] == FORKED
    return str(result["branch"]["id"])


def rename(gql: GraphQLClient, town: Settlement, branch: str | None, name: str) -> None:
    ok(gql(RENAME, {"id": str(town.uid), "b": branch, "name": name}, "gm"))


def merge_input(source: str, target: str, **more: Any) -> dict[str, Any]:
    return {
        "input": {"sourceBranchId": source, "targetBranchId": target, "worldTime": LATER, **more}
    }


def test_a_conflict_is_previewed_resolved_and_merged(
    gql: GraphQLClient, campaign: Campaign, town: Settlement
) -> None:
    # Given a fork, and the settlement renamed on both sides
    main = main_of(campaign)
    feature = fork(gql, campaign)
    rename(gql, town, feature, "Feature name")
    rename(gql, town, None, "Main name")

    # When the app previews the merge
    preview = ok(gql(OPERATIONS["PreviewMerge"], merge_input(feature, main), "player"))[
        "previewMerge"
    ]

    # Then it shows the conflict with the three values as JSON text
    assert (preview["totalConflicts"], preview["requiresManualResolution"]) == (1, True)
    assert preview["commonAncestorId"] == main
    [entity] = preview["entities"]
    [conflict] = entity["conflicts"]
    assert (entity["entityType"], entity["entityId"]) == ("settlement", str(town.uid))
    assert conflict | {"description": None} == {
        "path": "name",
        "type": "BOTH_MODIFIED",
        "description": None,
        "suggestion": None,
        "baseValue": '"Restov"',
        "sourceValue": '"Feature name"',
        "targetValue": '"Main name"',
    }

    # When it executes it without the resolution, then with it
    unresolved = error_of(gql(OPERATIONS["ExecuteMerge"], merge_input(feature, main), "gm"))
    resolution = {
        "entityType": "settlement",
        "entityId": str(town.uid),
        "path": "name",
        "resolvedValue": json.dumps("Agreed"),
    }
    merged = ok(
        gql(OPERATIONS["ExecuteMerge"], merge_input(feature, main, resolutions=[resolution]), "gm")
    )["executeMerge"]

    # Then the first is refused naming the resolutions, the second applies and is in the history
    assert (unresolved["extensions"]["code"], unresolved["extensions"]["field"]) == (
        "BAD_REQUEST",
        "resolutions",
    )
    assert merged == {
        "success": True,
        "versionsCreated": 1,
        "mergedEntityIds": [f"settlement:{town.uid}"],
        "error": None,
    }
    assert Settlement.objects.get(pk=town.pk).name == "Agreed"
    [entry] = ok(gql(OPERATIONS["GetMergeHistory"], {"branchId": main}, "viewer"))[
        "getMergeHistory"
    ]
    assert (entry["sourceBranch"]["id"], entry["targetBranchId"]) == (feature, main)
    assert (entry["conflictsCount"], entry["entitiesMerged"]) == (1, 1)
    assert entry["resolutionsData"][0]["path"] == "name"


def test_a_bad_resolution_names_its_input_field(
    gql: GraphQLClient, campaign: Campaign, town: Settlement
) -> None:
    main = main_of(campaign)
    feature = fork(gql, campaign)
    rename(gql, town, feature, "Feature name")
    bad = {
        "entityType": "settlement",
        "entityId": str(town.uid),
        "path": "level",
        "resolvedValue": "1",
    }

    error = error_of(
        gql(OPERATIONS["ExecuteMerge"], merge_input(feature, main, resolutions=[bad]), "gm")
    )

    assert error["extensions"]["field"] == "resolutions.0.path"


def test_cherry_pick_reports_conflicts_then_applies(
    gql: GraphQLClient, campaign: Campaign, town: Settlement
) -> None:
    # Given both sides renamed the settlement after a fork
    main = main_of(campaign)
    feature = fork(gql, campaign)
    rename(gql, town, feature, "Feature name")
    rename(gql, town, None, "Main name")
    picked = str(Version.objects.filter(branch_id=feature, entity_uid=town.uid).latest("id").pk)
    pick: dict[str, Any] = {"input": {"sourceVersionId": picked, "targetBranchId": main}}

    # When the feature's rename is cherry-picked onto main, then again with a resolution
    refused = ok(gql(OPERATIONS["CherryPickVersion"], pick, "gm"))["cherryPickVersion"]
    pick["input"]["resolutions"] = [
        {
            "entityType": "settlement",
            "entityId": str(town.uid),
            "path": "name",
            "resolvedValue": '"Picked"',
        }
    ]
    picked_result = ok(gql(OPERATIONS["CherryPickVersion"], pick, "gm"))["cherryPickVersion"]

    # Then the first reports the conflict and writes nothing; the second writes a version
    assert (refused["success"], refused["hasConflict"], refused["versionId"]) == (False, True, None)
    assert [c["path"] for c in refused["conflicts"]] == ["name"]
    assert (picked_result["success"], picked_result["hasConflict"]) == (True, False)
    written = Version.objects.get(pk=picked_result["versionId"])
    assert written.snapshot == {**(written.snapshot or {}), "name": "Picked"}


def test_restore_and_as_of_reads(gql: GraphQLClient, campaign: Campaign, town: Settlement) -> None:
    # Given a settlement renamed once
    main = main_of(campaign)
    first = Version.objects.filter(entity_uid=town.uid).earliest("id")
    rename(gql, town, None, "Renamed")

    # When the app restores its first version
    restored = ok(
        gql(
            OPERATIONS["RestoreVersion"],
            {"input": {"versionId": str(first.pk), "branchId": main, "comment": "Undo"}},
            "gm",
        )
    )["restoreVersion"]

    # Then the live settlement has its first name back, recorded as a new version
    assert Settlement.objects.get(pk=town.pk).name == "Restov"
    assert (restored["entityId"], restored["comment"], restored["version"]) == (
        str(town.uid),
        "Undo",
        3,
    )

    # And the as-of reads show the settlement as it is
    now = "2999-01-01T00:00:00.000Z"
    settlement = ok(
        gql(
            OPERATIONS["GetSettlementAsOf"],
            {"id": str(town.uid), "branchId": main, "asOf": now},
            "viewer",
        )
    )["settlementAsOf"]
    snapshot = ok(
        gql(
            "query($id: ID!, $b: ID!, $t: DateTime!) {"
            ' entityAsOf(entityType: "Settlement", id: $id, branchId: $b, worldTime: $t) }',
            {"id": str(town.uid), "b": main, "t": now},
            "viewer",
        )
    )["entityAsOf"]
    assert (settlement["id"], settlement["name"], settlement["kingdomId"]) == (
        str(town.uid),
        "Restov",
        str(town.kingdom.uid),
    )
    assert snapshot["name"] == "Restov"
    # And before the settlement existed there is nothing to show
    before = ok(
        gql(
            OPERATIONS["GetStructureAsOf"],
            {"id": str(town.uid), "branchId": main, "asOf": "0001-01-01T00:00:00.000Z"},
            "viewer",
        )
    )
    assert before["structureAsOf"] is None


def test_conflict_paths_are_named_as_the_api_names_fields(
    gql: GraphQLClient, owner: Actor, campaign: Campaign
) -> None:
    # Given a character who joins a different new party on each side of a fork
    hero = builders.character(owner, campaign, name="Amiri")
    main = main_of(campaign)
    feature = fork(gql, campaign, copied=1)
    moves = {}
    for branch in (feature, main):
        party = parties.create_party(
            owner, campaign_id=campaign.pk, data={"name": f"Party {branch}"}, branch_id=branch
        )
        characters.update_character(
            owner, character_id=hero.uid, data={"party_id": str(party.uid)}, branch_id=branch
        )
        moves[branch] = str(party.uid)

    # When the merge is previewed, the conflict is at `partyId`, as the API names the field
    preview = ok(gql(OPERATIONS["PreviewMerge"], merge_input(feature, main), "gm"))["previewMerge"]
    [conflict] = [c for e in preview["entities"] for c in e["conflicts"]]
    assert (conflict["path"], conflict["sourceValue"]) == ("partyId", json.dumps(moves[feature]))

    # And a resolution of that path (the source's party, created on main by the same merge)
    # is taken
    resolution = {
        "entityType": "character",
        "entityId": str(hero.uid),
        "path": "partyId",
        "resolvedValue": json.dumps(moves[feature]),
    }
    ok(gql(OPERATIONS["ExecuteMerge"], merge_input(feature, main, resolutions=[resolution]), "gm"))
    assert str(Character.objects.get(pk=hero.pk).party.uid) == moves[feature]  # type: ignore[union-attr]
