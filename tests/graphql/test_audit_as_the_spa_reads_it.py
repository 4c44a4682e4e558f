"""Audit rows, versions and version diffs read as the original's single-page app reads them (its
operations, from tests/graphql/spa_operations.py): the diff as ``{added, modified, removed}``,
the RFC 6902 patch beside it, and snapshots keyed as the entity's GraphQL fields are."""

from typing import Any

import pytest
from graphql import get_named_type

from campaign import history_shapes
from campaign.actions import characters
from campaign.models import Campaign, Character, Version
from kernel.actor import Actor
from tests import builders
from tests.graphql.operations import GRAPHQL_SCHEMA
from tests.graphql.spa_operations import OPERATIONS
from tests.graphql_client import GraphQLClient, ok

USER_AUDIT = OPERATIONS["GetUserAuditHistory"]
ENTITY_AUDIT = OPERATIONS["GetEntityAuditHistory"]
VERSIONS = OPERATIONS["EntityVersions"]
VERSION_DIFF = OPERATIONS["VersionDiff"]
PATCH = """
    query($userId: ID!) { userAuditHistory(userId: $userId, limit: 1) { diff patch } }"""

# Snapshot keys no field of the entity's GraphQL type shows (each is still the column's value).
NOT_ON_THE_TYPE = {
    "character": {"variableSchemas"},
    "event": {"variableSchemas"},
    "encounter": {"variableSchemas"},
    # The type shows the two ends as sourceId/sourceType and targetId/targetType.
    "link": {"sourceEventId", "sourceEncounterId", "targetEventId", "targetEncounterId"},
    # The bounding box and its extent, kept for spatial prefilters.
    "location": {"minX", "minY", "maxX", "maxY", "extent"},
    "field_condition": {"archivedAt"},
    "state_variable": {"archivedAt"},
    "effect": {"archivedAt"},
}


@pytest.fixture
def amiri(owner: Actor, campaign: Campaign) -> tuple[Character, str, str]:
    """A character with user-chosen variable names, moved from one party to another."""
    first = builders.party(owner, campaign, name="Company")
    second = builders.party(owner, campaign, name="Rivals")
    character = builders.character(
        owner,
        campaign,
        name="Amiri",
        level=3,
        party_id=str(first.uid),
        variables={"trade_goods": 3, "rage_rounds": {"per_day": 2}},
    )
    moved = characters.update_character(
        owner,
        character_id=character.uid,
        data={"party_id": str(second.uid), "variables": {"trade_goods": 4}},
    )
    return moved, str(first.uid), str(second.uid)


def newest_row(gql: GraphQLClient, user_id: str) -> dict[str, Any]:
    rows = ok(gql(USER_AUDIT, {"userId": user_id, "limit": 1}, "owner"))["userAuditHistory"]
    return rows[0]  # type: ignore[no-any-return]


def test_an_update_row_diffs_as_added_modified_removed(
    gql: GraphQLClient, owner: Actor, amiri: tuple[Character, str, str]
) -> None:
    # Given a character moved to another party, its variables changed
    _, first, second = amiri

    # When the owner reads their newest audit row as the app's audit page does
    row = newest_row(gql, str(owner.user_id))

    # Then the diff is the original's shape, named as the states are: the reference by its …Id
    diff = row["diff"]
    assert (diff["added"], diff["removed"]) == ({}, {})
    assert diff["modified"]["partyId"] == {"old": first, "new": second}
    assert diff["modified"]["variables"] == {
        "old": {"trade_goods": 3, "rage_rounds": {"per_day": 2}},
        "new": {"trade_goods": 4},
    }
    assert diff["modified"]["version"] == {"old": 1, "new": 2}
    assert {"name", "level", "createdAt"}.isdisjoint(diff["modified"])


def test_audit_states_are_keyed_as_the_entity_fields_and_keep_user_chosen_keys(
    gql: GraphQLClient, owner: Actor, amiri: tuple[Character, str, str]
) -> None:
    # Given the character's update
    # When the owner reads the row
    row = newest_row(gql, str(owner.user_id))

    # Then both states use the API's names (camelCase, …Id, the contract's class and isNPC)
    for state in (row["previousState"], row["newState"]):
        assert {"createdAt", "updatedAt", "variableSchemas", "partyId", "class", "isNPC"} <= set(
            state
        )
        assert not [key for key in state if "_" in key]
    # And the variables inside keep the names their users gave them
    assert row["newState"]["variables"] == {"trade_goods": 4}


def test_the_rfc_6902_patch_is_its_own_field_named_as_the_states(
    gql: GraphQLClient, owner: Actor, amiri: tuple[Character, str, str]
) -> None:
    # Given the character's update
    _, _, second = amiri

    # When a client asks for the patch
    row = ok(gql(PATCH, {"userId": str(owner.user_id)}, "owner"))["userAuditHistory"][0]

    # Then it is a JSON Patch whose top-level pointers use the API's names, deeper ones the
    # user's
    assert {"op": "replace", "path": "/partyId", "value": second} in row["patch"]
    assert {"op": "replace", "path": "/variables/trade_goods", "value": 4} in row["patch"]
    assert {"op": "remove", "path": "/variables/rage_rounds"} in row["patch"]


def test_a_creation_row_adds_every_field(
    gql: GraphQLClient, owner: Actor, campaign: Campaign
) -> None:
    # Given a kingdom just created
    kingdom = builders.kingdom(owner, campaign, name="Brevoy", level=4)

    # When the owner reads its audit trail as the app's entity history does
    rows = ok(gql(ENTITY_AUDIT, {"entityType": "Kingdom", "entityId": str(kingdom.uid)}, "owner"))[
        "entityAuditHistory"
    ]

    # Then its one row records what was set, with nothing modified or removed
    assert [row["operation"] for row in rows] == ["CREATE"]
    assert rows[0]["changes"]["level"] == 4
    full = ok(gql(USER_AUDIT, {"userId": str(owner.user_id), "limit": 1}, "owner"))
    diff = full["userAuditHistory"][0]["diff"]
    assert diff["added"]["name"] == "Brevoy"
    assert diff["added"]["id"] == str(kingdom.uid)
    assert (diff["modified"], diff["removed"]) == ({}, {})


def test_entity_audit_changes_name_the_fields_as_the_states(
    gql: GraphQLClient, amiri: tuple[Character, str, str]
) -> None:
    # Given the character's update
    character, _, second = amiri

    # When the app reads the character's audit trail
    rows = ok(
        gql(ENTITY_AUDIT, {"entityType": "Character", "entityId": str(character.uid)}, "owner")
    )["entityAuditHistory"]

    # Then the update's changes name the party by partyId
    assert rows[0]["changes"] == {"partyId": second, "variables": {"trade_goods": 4}}


def test_versions_and_their_diff_use_the_api_names(
    gql: GraphQLClient, amiri: tuple[Character, str, str]
) -> None:
    # Given the character's two versions
    character, first, second = amiri
    versions = ok(
        gql(
            VERSIONS,
            {
                "entityType": "character",
                "entityId": str(character.uid),
                "branchId": str(character.branch_id),
            },
            "player",
        )
    )["entityVersions"]

    # When the app diffs them
    pair = {"versionId1": versions[0]["id"], "versionId2": versions[1]["id"]}
    diff = ok(gql(VERSION_DIFF, pair, "player"))["versionDiff"]

    # Then payloads and diff name the party partyId, and the variables keep their own names
    assert versions[0]["payload"]["partyId"] == first
    assert versions[1]["payload"]["variables"] == {"trade_goods": 4}
    assert diff["modified"]["partyId"] == {"old": first, "new": second}
    assert (diff["added"], diff["removed"]) == ({}, {})


def test_every_snapshot_key_is_a_field_of_the_entity_type(owner: Actor, campaign: Campaign) -> None:
    # Given every kind of entity, rules included, each with its first version
    builders.build_scene(owner, campaign)
    builders.link(
        owner, campaign, builders.event(owner, campaign), builders.encounter(owner, campaign)
    )

    # When each version's payload is read as clients read it
    seen = set()
    for version in Version.objects.exclude(snapshot=None):
        payload = history_shapes.payload(version)
        assert payload is not None
        type_name = "".join(word.title() for word in version.entity_type.split("_"))
        graphql_type = get_named_type(GRAPHQL_SCHEMA.get_type(type_name))
        assert graphql_type is not None, type_name
        seen.add(version.entity_type)

        # Then every key is one of the type's fields, or a column it deliberately leaves out
        extra = set(payload) - set(graphql_type.fields)  # type: ignore[union-attr]
        assert extra <= NOT_ON_THE_TYPE.get(version.entity_type, set()), version.entity_type
    assert {"settlement", "structure", "link", "location", "field_condition", "effect"} <= seen
