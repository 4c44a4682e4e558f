"""History and audit queries: versions, diffs, the audit
trail of an entity and of a user, with their filters, sorting and limits."""

import datetime
from typing import Any

import pytest

from campaign.actions import kingdoms, settlements
from campaign.models import AuditLog, User
from kernel.actor import Actor
from tests.builders import Dataset
from tests.graphql_client import GraphQLClient, error_of, ok

ENTITY_AUDIT = """
    query($type: String!, $id: ID!, $limit: Int, $ops: [String!], $start: DateTime,
          $end: DateTime, $sortBy: String, $sortOrder: String) {
      entityAuditHistory(entityType: $type, entityId: $id, limit: $limit, operations: $ops,
          startDate: $start, endDate: $end, sortBy: $sortBy, sortOrder: $sortOrder) {
        id entityType entityId operation userId changes timestamp previousState newState diff
        patch campaignId branchId
      }
    }"""
USER_AUDIT = """
    query($user: ID!, $limit: Int, $skip: Int, $types: [String!], $ops: [String!],
          $sortOrder: String) {
      userAuditHistory(userId: $user, limit: $limit, skip: $skip, entityTypes: $types,
          operations: $ops, sortOrder: $sortOrder) {
        id entityType entityId operation userId
      }
    }"""
VERSIONS = """
    query($branch: ID!, $id: ID!, $type: String!) {
      entityVersions(branchId: $branch, entityId: $id, entityType: $type) {
        id entityType entityId branchId validFrom validTo version payload operation createdBy
      }
    }"""
DIFF = """
    query($a: ID!, $b: ID!) {
      versionDiff(versionId1: $a, versionId2: $b) { added modified removed patch }
    }"""


def owner(data: Dataset) -> Actor:
    return Actor(User.objects.get(pk=data.users["owner"]))


def audit(gql: GraphQLClient, data: Dataset, persona: str = "gm", **args: Any) -> dict[str, Any]:
    return gql(ENTITY_AUDIT, {"type": "kingdom", "id": data.kingdom, **args}, persona)


# --- versions ----------------------------------------------------------------------------------


@pytest.mark.parametrize("entity_type", ["kingdom", "Kingdom", "KINGDOM"])
def test_entity_versions_list_every_snapshot_in_order(
    gql: GraphQLClient, data: Dataset, entity_type: str
) -> None:
    # Given a kingdom created and then renamed
    # When a viewer lists its versions on the main branch (any letter case of the type)
    body = gql(VERSIONS, {"branch": data.main_branch, "id": data.kingdom, "type": entity_type},
               "viewer")  # fmt: skip

    # Then both snapshots come back, oldest first, by their author
    versions = ok(body)["entityVersions"]
    assert [(v["version"], v["operation"], v["payload"]["name"]) for v in versions] == [
        (1, "CREATE", "Brevoy"),
        (2, "UPDATE", "New Brevoy"),
    ]
    assert {v["entityType"] for v in versions} == {"kingdom"}
    assert {v["branchId"] for v in versions} == {data.main_branch}
    assert {v["createdBy"] for v in versions} == {data.users["owner"]}
    assert all(v["validTo"] is None and v["validFrom"].endswith("Z") for v in versions)


def test_versions_of_a_location_have_no_branch(gql: GraphQLClient, data: Dataset) -> None:
    # Given a location (world-scoped, not branch-scoped)
    # When its versions are listed
    body = gql(
        VERSIONS,
        {"branch": data.main_branch, "id": data.free_location, "type": "location"},
        "viewer",
    )

    # Then its one version has no branch
    versions = ok(body)["entityVersions"]
    assert [(v["version"], v["branchId"]) for v in versions] == [(1, None)]


def test_versions_on_another_branch_are_that_branchs_only(
    gql: GraphQLClient, data: Dataset
) -> None:
    # Given the kingdom's history lives on the main branch
    # When its versions are asked for on the side branch
    body = gql(VERSIONS, {"branch": data.side_branch, "id": data.kingdom, "type": "kingdom"},
               "viewer")  # fmt: skip

    # Then there are none there
    assert ok(body)["entityVersions"] == []


@pytest.mark.parametrize(
    ("variables", "code", "field"),
    [
        ({"type": "dragon"}, "BAD_REQUEST", "entityType"),
        ({"id": "not-an-id"}, "BAD_REQUEST", "entityId"),
        ({"branch": "00000000-0000-4000-8000-000000000000"}, "NOT_FOUND", None),
    ],
)
def test_entity_versions_refuse_bad_arguments(
    gql: GraphQLClient, data: Dataset, variables: dict[str, Any], code: str, field: str | None
) -> None:
    # Given one bad argument
    args = {"branch": data.main_branch, "id": data.kingdom, "type": "kingdom", **variables}

    # When versions are listed
    error = error_of(gql(VERSIONS, args, "viewer"))

    # Then the error says which
    assert error["extensions"]["code"] == code
    assert error["extensions"].get("field", field) == field


def test_version_diff_shows_the_change(gql: GraphQLClient, data: Dataset) -> None:
    # Given the kingdom's two versions (a rename)
    first, second = data.kingdom_versions

    # When a player diffs them
    diff = ok(gql(DIFF, {"a": first, "b": second}, "player"))["versionDiff"]

    # Then the name is modified and the patch says the same
    assert diff["modified"]["name"] == {"old": "Brevoy", "new": "New Brevoy"}
    assert diff["added"] == {}
    assert diff["removed"] == {}
    assert {"op": "replace", "path": "/name", "value": "New Brevoy"} in diff["patch"]


def test_version_diff_of_a_hidden_campaign_is_not_found(gql: GraphQLClient, data: Dataset) -> None:
    # Given versions of a campaign the outsider is not in
    # When they diff them
    error = error_of(gql(DIFF, {"a": data.kingdom_versions[0], "b": "999999"}, "outsider"))

    # Then it is NOT_FOUND, as for a version that does not exist
    assert error["extensions"]["code"] == "NOT_FOUND"


# --- entityAuditHistory ------------------------------------------------------------------------


@pytest.mark.parametrize("entity_type", ["kingdom", "Kingdom", "KINGDOM"])
def test_entity_audit_history_matches_the_type_in_any_case(
    gql: GraphQLClient, data: Dataset, entity_type: str
) -> None:
    # Given a kingdom created and renamed by the owner
    # When the GM reads its audit trail, naming the type as the app does (capitalised) or not
    rows = ok(audit(gql, data, type=entity_type))["entityAuditHistory"]

    # Then both rows come back, newest first, with their diffs
    assert [r["operation"] for r in rows] == ["UPDATE", "CREATE"]
    assert {r["userId"] for r in rows} == {data.users["owner"]}
    assert {r["campaignId"] for r in rows} == {data.campaign}
    assert {r["branchId"] for r in rows} == {data.main_branch}
    assert rows[0]["previousState"]["name"] == "Brevoy"
    assert rows[0]["newState"]["name"] == "New Brevoy"
    assert rows[0]["diff"]["modified"]["name"] == {"old": "Brevoy", "new": "New Brevoy"}
    assert {"op": "replace", "path": "/name", "value": "New Brevoy"} in rows[0]["patch"]


@pytest.mark.parametrize(
    ("operations", "expected"),
    [(["UPDATE"], ["UPDATE"]), (["create"], ["CREATE"]), (["DELETE"], []),
     (["CREATE", "UPDATE"], ["UPDATE", "CREATE"])],
)  # fmt: skip
def test_entity_audit_history_filters_operations(
    gql: GraphQLClient, data: Dataset, operations: list[str], expected: list[str]
) -> None:
    # Given a kingdom with a CREATE and an UPDATE row
    # When the trail is filtered by operation
    rows = ok(audit(gql, data, ops=operations))["entityAuditHistory"]

    # Then only those operations come back
    assert [r["operation"] for r in rows] == expected


def test_entity_audit_history_filters_a_date_range(gql: GraphQLClient, data: Dataset) -> None:
    # Given the trail's timestamps
    rows = ok(audit(gql, data))["entityAuditHistory"]
    newest, oldest = rows[0]["timestamp"], rows[-1]["timestamp"]
    later = (datetime.datetime.now(datetime.UTC) + datetime.timedelta(days=1)).isoformat()

    # When it is read within, before and after its time
    within = ok(audit(gql, data, start=oldest, end=newest))["entityAuditHistory"]
    before = ok(audit(gql, data, end="2000-01-01T00:00:00.000Z"))["entityAuditHistory"]
    after = ok(audit(gql, data, start=later))["entityAuditHistory"]

    # Then the bounds are inclusive and outside them there is nothing
    assert len(within) == 2
    assert before == after == []


def test_entity_audit_history_sorts(gql: GraphQLClient, data: Dataset) -> None:
    # Given the kingdom's trail
    # When it is sorted ascending, and by operation
    ascending = ok(audit(gql, data, sortOrder="asc"))["entityAuditHistory"]
    by_operation = ok(audit(gql, data, sortBy="operation", sortOrder="ASC"))["entityAuditHistory"]

    # Then the oldest comes first, and operations sort alphabetically
    assert [r["operation"] for r in ascending] == ["CREATE", "UPDATE"]
    assert [r["operation"] for r in by_operation] == ["CREATE", "UPDATE"]


@pytest.mark.parametrize(
    ("args", "field"),
    [
        ({"sortOrder": "sideways"}, "sortOrder"),
        ({"sortBy": "name"}, "sortBy"),
        ({"type": "dragon"}, "entityType"),
        ({"id": "42"}, "entityId"),
    ],
)
def test_entity_audit_history_refuses_bad_arguments(
    gql: GraphQLClient, data: Dataset, args: dict[str, Any], field: str
) -> None:
    # Given one bad argument
    # When the trail is read
    error = error_of(audit(gql, data, **args))

    # Then it is a BAD_REQUEST naming it
    assert error["extensions"].items() >= {"code": "BAD_REQUEST", "field": field}.items()


@pytest.mark.parametrize(("limit", "expected"), [(3, 3), (100, 100), (101, 100), (10_000, 100)])
def test_entity_audit_history_limit_is_clamped_to_100(
    gql: GraphQLClient, data: Dataset, limit: int, expected: int
) -> None:
    # Given a kingdom with 105 more audit rows
    AuditLog.objects.bulk_create(
        AuditLog(entity_type="kingdom", entity_id=data.kingdom, operation="UPDATE",
                 campaign_id=data.campaign, branch_id=data.main_branch)
        for _ in range(105)
    )  # fmt: skip

    # When the trail is read with a limit
    rows = ok(audit(gql, data, limit=limit))["entityAuditHistory"]

    # Then no more than 100 rows come back
    assert len(rows) == expected


@pytest.mark.parametrize("trail", ["entity", "user"])
@pytest.mark.parametrize("limit", [0, -1, -(2**31)])
def test_audit_history_refuses_a_limit_below_one(
    gql: GraphQLClient, data: Dataset, trail: str, limit: int
) -> None:
    # Given a limit that asks for no rows, or fewer
    # When an audit trail is read with it
    if trail == "entity":
        body = audit(gql, data, "owner", limit=limit)
    else:
        body = gql(USER_AUDIT, {"user": data.users["owner"], "limit": limit}, "owner")

    # Then it is a BAD_REQUEST naming the limit, not a silent single row
    error = error_of(body)
    assert error["extensions"] == {"code": "BAD_REQUEST", "field": "limit"}
    assert error["message"] == f"limit must be at least 1, but received {limit}"


def test_audit_history_reads_a_null_limit_and_skip_as_their_defaults(
    gql: GraphQLClient, data: Dataset
) -> None:
    # Given a kingdom with more audit rows than the default limit
    AuditLog.objects.bulk_create(
        AuditLog(entity_type="kingdom", entity_id=data.kingdom, operation="UPDATE",
                 campaign_id=data.campaign, branch_id=data.main_branch)
        for _ in range(60)
    )  # fmt: skip
    me = {"user": data.users["owner"]}

    # When the trails are read with an explicit null limit (and skip)
    entity_rows = ok(audit(gql, data, limit=None))["entityAuditHistory"]
    user_rows = ok(gql(USER_AUDIT, {**me, "limit": None, "skip": None}, "owner"))

    # Then they read as if the arguments were left out
    assert len(entity_rows) == 50
    assert user_rows == ok(gql(USER_AUDIT, me, "owner"))


def test_entity_audit_history_outlives_the_entity(gql: GraphQLClient, data: Dataset) -> None:
    # Given a settlement that was deleted
    settlements.update_settlement(owner(data), settlement_id=data.settlement, data={"level": 2})
    from campaign.actions import entities

    entities.soft_delete(
        owner(data), instance=entities.load(owner(data), "settlement", data.settlement)
    )

    # When the GM reads its trail
    body = gql(ENTITY_AUDIT, {"type": "Settlement", "id": data.settlement}, "gm")

    # Then its whole life is there, ending in the deletion
    assert [r["operation"] for r in ok(body)["entityAuditHistory"]] == [
        "DELETE",
        "UPDATE",
        "CREATE",
    ]


# --- userAuditHistory --------------------------------------------------------------------------


def test_user_audit_history_of_another_user_is_forbidden(gql: GraphQLClient, data: Dataset) -> None:
    # Given the owner's id
    # When the GM asks for the owner's audit history
    error = error_of(gql(USER_AUDIT, {"user": data.users["owner"]}, "gm"))

    # Then it is FORBIDDEN
    assert error["extensions"]["code"] == "FORBIDDEN"


def test_user_audit_history_lists_the_users_own_changes(gql: GraphQLClient, data: Dataset) -> None:
    # Given changes by the GM and many more by the owner
    gm = Actor(User.objects.get(pk=data.users["gm"]))
    kingdoms.update_kingdom(gm, kingdom_id=data.kingdom, data={"name": "GM's realm"})
    kingdoms.update_kingdom(gm, kingdom_id=data.kingdom, data={"level": 2})

    # When the GM reads their own history
    rows = ok(gql(USER_AUDIT, {"user": data.users["gm"]}, "gm"))["userAuditHistory"]

    # Then exactly their two changes come back, newest first
    assert [(r["entityType"], r["operation"]) for r in rows] == [("kingdom", "UPDATE")] * 2
    assert {r["userId"] for r in rows} == {data.users["gm"]}


def test_user_audit_history_filters_and_pages(gql: GraphQLClient, data: Dataset) -> None:
    # Given the owner's many changes while building the data set
    me = {"user": data.users["owner"]}
    everything = ok(gql(USER_AUDIT, {**me, "limit": 100}, "owner"))["userAuditHistory"]

    # When they page, and filter by entity type and operation
    page = ok(gql(USER_AUDIT, {**me, "limit": 3, "skip": 2}, "owner"))["userAuditHistory"]
    kingdoms_only = ok(gql(USER_AUDIT, {**me, "types": ["Kingdom"]}, "owner"))["userAuditHistory"]
    updates = ok(gql(USER_AUDIT, {**me, "ops": ["update"]}, "owner"))["userAuditHistory"]

    # Then each answer is the matching slice of their history
    assert len(everything) > 5
    assert [r["id"] for r in page] == [r["id"] for r in everything[2:5]]
    assert [r["operation"] for r in kingdoms_only] == ["UPDATE", "CREATE"]
    assert {r["entityType"] for r in kingdoms_only} == {"kingdom"}
    assert updates
    assert {r["operation"] for r in updates} == {"UPDATE"}


@pytest.mark.parametrize(
    ("args", "field"), [({"skip": -1}, "skip"), ({"skip": 100_001}, "skip"),
                        ({"sortOrder": "up"}, "sortOrder")],
)  # fmt: skip
def test_user_audit_history_refuses_bad_paging(
    gql: GraphQLClient, data: Dataset, args: dict[str, Any], field: str
) -> None:
    # Given a bad paging argument
    # When the owner reads their history
    error = error_of(gql(USER_AUDIT, {"user": data.users["owner"], **args}, "owner"))

    # Then it is a BAD_REQUEST naming it
    assert error["extensions"].items() >= {"code": "BAD_REQUEST", "field": field}.items()
