"""Mutations end to end (docs/architecture.md#the-path-of-a-mutation): each writes the change, a
Version and an AuditLog row, returns what the contract says, and honours ``branchId``."""

import dataclasses
import uuid
from collections.abc import Callable
from types import SimpleNamespace
from typing import Any

import pytest

from campaign.actions import entities, worlds
from campaign.models import AuditLog, Branch, Kingdom, Settlement, Structure, User, Version
from kernel.actor import Actor
from tests.builders import SQUARE, Dataset, geo_point
from tests.calendar_data import GALIFAR
from tests.graphql.operations import operation
from tests.graphql_client import GraphQLClient, error_of, ok

Ctx = SimpleNamespace
Vars = Callable[[Ctx], dict[str, Any]]


def actor(data: Dataset, persona: str = "owner") -> Actor:
    return Actor(User.objects.get(pk=data.users[persona]))


def archived(kind: str, attr: str) -> Callable[[Dataset], dict[str, Any]]:
    """Setup: archive the entity first, so that restoring it has something to do."""

    def setup(data: Dataset) -> dict[str, Any]:
        instance = entities.load(actor(data), kind, getattr(data, attr))
        entities.archive(actor(data), instance=instance)
        return {}

    return setup


def empty_world(data: Dataset) -> dict[str, Any]:
    world = worlds.create_world(actor(data), data={"name": "Empty", "calendars": []})
    return {"empty_world": str(world.pk)}


@dataclasses.dataclass(frozen=True)
class Case:
    field: str
    args: Vars
    expect: Any  # the returned value, or a dict that must be a subset of it
    audit: tuple[str, str] | None  # (entity type, operation) of the AuditLog row written
    versioned: bool = True  # a Version row is written too
    persona: str = "gm"
    select: str | None = None
    setup: Callable[[Dataset], dict[str, Any]] | None = None


def entity_cases(kind: str, attr: str, create: Vars, created: dict[str, Any]) -> list[Case]:
    """create / update / archive / restore / delete of one branch-scoped entity kind."""
    Kind = kind.capitalize()
    fields = " ".join(["id version isArchived archivedAt deletedAt", *created])
    select = f"{{ {fields} }}"
    return [
        Case(f"create{Kind}", create, {**created, "version": 1}, (kind, "CREATE"), select=select),
        Case(
            f"update{Kind}",
            lambda c: {"id": getattr(c, attr), "input": update_input(kind)},
            {"version": 2 if kind != "kingdom" else 3},
            (kind, "UPDATE"),
            select=select,
        ),
        Case(f"archive{Kind}", lambda c: {"id": getattr(c, attr)}, {"isArchived": True},
             (kind, "ARCHIVE"), select=select),
        Case(f"restore{Kind}", lambda c: {"id": getattr(c, attr)},
             {"isArchived": False, "archivedAt": None}, (kind, "RESTORE"), select=select,
             setup=archived(kind, attr)),
        Case(f"delete{Kind}", lambda c: {"id": getattr(c, attr)}, {"id": ...},
             (kind, "DELETE"), persona="owner", select="{ id deletedAt }"),
    ]  # fmt: skip


def update_input(kind: str) -> dict[str, Any]:
    inputs: dict[str, dict[str, Any]] = {
        "kingdom": {"name": "Brevoy Reborn", "expectedVersion": 2},
        "settlement": {"name": "New Restov", "level": 3, "expectedVersion": 1},
        "structure": {"name": "Great Temple", "x": 3.5, "orientation": 180},
        "party": {"name": "Heroes II", "averageLevel": 4},
        "character": {"name": "Amiri the Bold", "class": "Barbarian", "isNPC": True},
        "event": {"name": "Big raid", "isCompleted": True, "occurredAt": "2024-03-03T00:00:00Z"},
        "encounter": {"isResolved": True, "resolvedAt": "2024-03-04T00:00:00Z"},
        "link": {"linkType": "blocks", "description": "Only after the raid"},
    }
    return inputs[kind]


def variable_cases(kind: str, attr: str, name: str) -> list[Case]:
    Kind, key = kind.capitalize(), f"{kind}Id"
    return [
        Case(
            f"define{Kind}VariableSchema",
            lambda c: {key: getattr(c, attr), "input": {"name": "fame", "type": "ENUM",
                                                        "enumValues": ["low", "high"],
                                                        "defaultValue": "low"}},
            {"name": "fame", "type": "ENUM", "enumValues": ["low", "high"], "defaultValue": "low"},
            (kind, "UPDATE"),
            select="{ name type enumValues defaultValue required }",
        ),
        Case(
            f"set{Kind}Variable",
            lambda c: {key: getattr(c, attr), "input": {"name": name, "value": 250}},
            {"name": name, "value": 250},
            (kind, "UPDATE"),
            select="{ name value }",
        ),
        Case(f"delete{Kind}VariableSchema", lambda c: {key: getattr(c, attr), "name": name},
             True, (kind, "UPDATE")),
    ]  # fmt: skip


def level_case(kind: str, attr: str, level: int, shown: str = "level") -> Case:
    return Case(
        f"set{kind.capitalize()}Level",
        lambda c: {"id": getattr(c, attr), "level": level},
        {shown: level},
        (kind, "UPDATE"),
        select=f"{{ id {shown} }}",
    )


CASES: list[Case] = [
    *entity_cases(
        "kingdom",
        "kingdom",
        lambda c: {"input": {"campaignId": c.campaign, "name": "Pitax", "level": 3,
                             "variableSchemas": [{"name": "fame", "type": "number"}],
                             "variables": {"fame": 2}}},
        {"name": "Pitax", "level": 3, "variables": {"fame": 2}},
    ),
    *entity_cases(
        "settlement",
        "settlement",
        lambda c: {"input": {"kingdomId": c.kingdom, "locationId": c.free_location,
                             "name": "Tatzlford", "level": 2}},
        {"name": "Tatzlford", "level": 2, "x": 50.0, "y": 60.0, "kingdomId": ...},
    ),
    *entity_cases(
        "structure",
        "structure",
        lambda c: {"input": {"settlementId": c.settlement, "name": "Mill", "type": "mill",
                             "x": 1.5, "y": 2.5, "orientation": 90}},
        {"name": "Mill", "type": "mill", "typeId": "mill", "x": 1.5, "y": 2.5,
         "orientation": 90.0},
    ),
    *entity_cases(
        "party",
        "party",
        lambda c: {"input": {"campaignId": c.campaign, "name": "Rangers", "averageLevel": 3}},
        {"name": "Rangers", "averageLevel": 3, "level": 3},
    ),
    *entity_cases(
        "character",
        "member",
        lambda c: {"input": {"campaignId": c.campaign, "name": "Valeros", "level": 2,
                             "class": "Fighter", "race": "Human", "isNPC": True,
                             "partyId": c.party}},
        {"name": "Valeros", "level": 2, "class": "Fighter", "race": "Human", "isNPC": True,
         "partyId": ...},
    ),
    *entity_cases(
        "event",
        "event",
        lambda c: {"input": {"campaignId": c.campaign, "name": "Feast", "eventType": "kingdom",
                             "scheduledAt": "2024-04-01T00:00:00Z",
                             "locationId": c.event_location}},
        {"name": "Feast", "eventType": "kingdom", "scheduledAt": "2024-04-01T00:00:00.000Z",
         "isCompleted": False},
    ),
    *entity_cases(
        "encounter",
        "encounter",
        lambda c: {"input": {"campaignId": c.campaign, "name": "Kobolds", "difficulty": 7,
                             "scheduledAt": "2024-04-02T10:30:00Z"}},
        {"name": "Kobolds", "difficulty": 7, "scheduledAt": "2024-04-02T10:30:00.000Z",
         "isResolved": False},
    ),
    *entity_cases(
        "link",
        "link",
        lambda c: {"input": {"sourceType": "encounter", "sourceId": c.encounter,
                             "targetType": "event", "targetId": c.event, "linkType": "triggers",
                             "description": "Camp raided first"}},
        {"sourceType": "encounter", "targetType": "event", "linkType": "triggers",
         "description": "Camp raided first"},
    ),
    level_case("kingdom", "kingdom", 4),
    level_case("settlement", "settlement", 5),
    level_case("structure", "structure", 3),
    level_case("party", "party", 7),
    level_case("party", "party", 7, shown="manualLevelOverride"),
    level_case("character", "member", 12),
    *variable_cases("kingdom", "kingdom", "treasury"),
    *variable_cases("settlement", "settlement", "population"),
    *variable_cases("structure", "structure", "upkeep"),
    *variable_cases("party", "party", "gold"),
    Case("addPartyMember", lambda c: {"input": {"partyId": c.party, "characterId": c.loner}},
         {"members": [{"name": "Amiri"}, {"name": "Nok-Nok"}]}, ("character", "UPDATE"),
         select="{ id members { name } }"),
    Case("removePartyMember", lambda c: {"input": {"partyId": c.party, "characterId": c.member}},
         {"members": []}, ("character", "UPDATE"), select="{ id members { name } }"),
    # --- worlds, campaigns, locations ---------------------------------------------------------
    Case("createWorld", lambda c: {"input": {"name": "Eberron", "calendars": [GALIFAR],
                                             "settings": {"units": "km"}}},
         {"name": "Eberron", "calendars": {"calendars": [GALIFAR]}, "settings": {"units": "km"},
          "version": 1}, ("world", "CREATE"), select="{ id name calendars settings version }"),
    Case("updateWorld", lambda c: {"id": c.world, "input": {"name": "Golarion II",
                                                           "expectedVersion": 1}},
         {"name": "Golarion II", "version": 2}, ("world", "UPDATE"), persona="owner",
         select="{ id name version }"),
    Case("archiveWorld", lambda c: {"id": c.world}, {"isArchived": True}, ("world", "ARCHIVE"),
         persona="owner", select="{ id isArchived }"),
    Case("restoreWorld", lambda c: {"id": c.world}, {"isArchived": False}, ("world", "RESTORE"),
         persona="owner", select="{ id isArchived }", setup=archived("world", "world")),
    Case("deleteWorld", lambda c: {"id": c.empty_world}, {"deletedAt": ...}, ("world", "DELETE"),
         persona="owner", select="{ id deletedAt }", setup=empty_world),
    Case("createCampaign", lambda c: {"input": {"worldId": c.world, "name": "Second Run",
                                                "currentWorldTime": "2024-05-01T00:00:00Z"}},
         {"name": "Second Run", "worldId": ..., "currentWorldTime": "2024-05-01T00:00:00.000Z",
          "isActive": True}, ("campaign", "CREATE"), persona="owner",
         select="{ id name worldId ownerId currentWorldTime isActive }"),
    Case("updateCampaign", lambda c: {"id": c.campaign, "input": {"name": "Kingmaker II",
                                                                 "settings": {"tone": "grim"}}},
         {"name": "Kingmaker II", "settings": {"tone": "grim"}, "version": 2},
         ("campaign", "UPDATE"), select="{ id name settings version }"),
    # Archiving a campaign takes it out of its members' lists: the owner's, not a GM's.
    Case("archiveCampaign", lambda c: {"id": c.campaign}, {"isArchived": True},
         ("campaign", "ARCHIVE"), persona="owner", select="{ id isArchived }"),
    Case("restoreCampaign", lambda c: {"id": c.campaign}, {"isArchived": False},
         ("campaign", "RESTORE"), persona="owner", select="{ id isArchived }",
         setup=archived("campaign", "campaign")),
    Case("deleteCampaign", lambda c: {"id": c.campaign}, {"deletedAt": ...},
         ("campaign", "DELETE"), persona="owner", select="{ id deletedAt }"),
    Case("createLocation", lambda c: {"input": {"worldId": c.world, "type": "region",
                                                "name": "Greenbelt", "geometry": SQUARE,
                                                "parentLocationId": c.region}},
         {"name": "Greenbelt", "type": "region", "geojson": SQUARE, "parentLocationId": ...,
          "version": 1}, ("location", "CREATE"),
         select="{ id name type geojson parentLocationId version }"),
    Case("updateLocation", lambda c: {"id": c.free_location,
                                      "input": {"name": "Tatzlford II", "description": "Ford"}},
         {"name": "Tatzlford II", "description": "Ford", "version": 2}, ("location", "UPDATE"),
         select="{ id name description version }"),
    Case("updateLocationGeometry", lambda c: {"id": c.free_location, "input": {
        "geoJson": geo_point(5, 6), "expectedVersion": 1, "worldTime": "2024-03-05T00:00:00Z"}},
         {"geojson": geo_point(5, 6), "version": 2}, ("location", "UPDATE"),
         select="{ id geojson version }"),
    Case("archiveLocation", lambda c: {"id": c.free_location}, {"isArchived": True},
         ("location", "ARCHIVE"), select="{ id isArchived }"),
    Case("restoreLocation", lambda c: {"id": c.free_location}, {"isArchived": False},
         ("location", "RESTORE"), select="{ id isArchived }",
         setup=archived("location", "free_location")),
    Case("deleteLocation", lambda c: {"id": c.free_location}, {"deletedAt": ...},
         ("location", "DELETE"), persona="owner", select="{ id deletedAt }"),
    # --- membership ---------------------------------------------------------------------------
    Case("addCampaignMember", lambda c: {"input": {"campaignId": c.campaign,
                                                   "userId": c.users["newbie"],
                                                   "role": "PLAYER"}},
         {"role": "PLAYER", "email": "newbie@example.com", "name": "Newbie"},
         ("membership", "CREATE"), versioned=False, persona="owner",
         select="{ userId email name role createdAt }"),
    Case("updateCampaignMember", lambda c: {"input": {"campaignId": c.campaign,
                                                      "userId": c.users["viewer"], "role": "GM"}},
         {"role": "GM"}, ("membership", "UPDATE"), versioned=False, persona="owner",
         select="{ userId role }"),
    Case("removeCampaignMember", lambda c: {"input": {"campaignId": c.campaign,
                                                      "userId": c.users["viewer"]}},
         True, ("membership", "DELETE"), versioned=False, persona="owner"),
    # --- branches -----------------------------------------------------------------------------
    Case("createBranch", lambda c: {"input": {"campaignId": c.campaign, "name": "Alternate",
                                              "description": "What if Brevoy fell",
                                              "color": "#ff0000", "tags": ["dark"],
                                              "isPinned": True, "parentId": c.side_branch}},
         {"name": "Alternate", "description": "What if Brevoy fell", "color": "#ff0000",
          "tags": ["dark"], "isPinned": True, "parentId": ..., "divergedAt": ...},
         ("branch", "CREATE"), versioned=False,
         select="{ id name description color tags isPinned parentId divergedAt version }"),
    Case("updateBranch", lambda c: {"id": c.side_branch, "input": {"name": "What if II",
                                                                  "tags": ["x"],
                                                                  "expectedVersion": 1}},
         {"name": "What if II", "tags": ["x"], "version": 2}, ("branch", "UPDATE"),
         versioned=False, select="{ id name tags version }"),
    Case("deleteBranch", lambda c: {"id": c.side_branch}, True, ("branch", "DELETE"),
         versioned=False, persona="owner"),
    Case("forkBranch", lambda c: {"input": {"sourceBranchId": c.main_branch, "name": "Fork",
                                            "worldTime": "2024-03-02T00:00:00Z"}},
         {"branch": {"name": "Fork", "parentId": ...}, "versionsCopied": ...},
         ("branch", "FORK"), versioned=False,
         select="{ branch { id name parentId } versionsCopied }"),
    # The side branch forked before anything was made: the merge creates it all there.
    Case("executeMerge", lambda c: {"input": {"sourceBranchId": c.main_branch,
                                              "targetBranchId": c.side_branch,
                                              "worldTime": "2024-03-02T00:00:00Z"}},
         {"success": True, "versionsCreated": ...}, ("branch", "MERGE"), versioned=False,
         select="{ success versionsCreated }"),
    # The kingdom's creation, picked onto the side branch, creates it there.
    Case("cherryPickVersion", lambda c: {"input": {"sourceVersionId": c.kingdom_versions[0],
                                                   "targetBranchId": c.side_branch}},
         {"success": True, "hasConflict": False, "versionId": ...}, ("kingdom", "CREATE"),
         select="{ success hasConflict versionId }"),
    Case("restoreVersion", lambda c: {"input": {"versionId": c.kingdom_versions[0],
                                                "branchId": c.main_branch}},
         {"entityType": "kingdom", "entityId": ...}, ("kingdom", "UPDATE"),
         select="{ entityType entityId }"),
]  # fmt: skip


def matches(actual: Any, expected: Any) -> bool:
    """``expected`` with ``...`` for "any non-null value", dicts compared as subsets."""
    if expected is ...:
        return actual is not None
    if isinstance(expected, dict):
        return isinstance(actual, dict) and all(
            key in actual and matches(actual[key], value) for key, value in expected.items()
        )
    if isinstance(expected, list):
        return (
            isinstance(actual, list)
            and len(actual) == len(expected)
            and all(matches(a, e) for a, e in zip(actual, expected, strict=True))
        )
    return bool(actual == expected)


def case_id(case: Case) -> str:
    return case.field + (
        "-" + case.select.split()[2] if "Level" in case.field and case.select else ""
    )


def test_every_mutation_is_exercised() -> None:
    # Given the campaign domain's mutations
    from tests.graphql.operations import campaign_domain_fields

    # Then each one runs end to end here
    assert campaign_domain_fields("Mutation") - {case.field for case in CASES} == set()


@pytest.mark.parametrize("case", CASES, ids=case_id)
def test_mutation_writes_the_change_its_version_and_audit(
    gql: GraphQLClient, data: Dataset, case: Case
) -> None:
    # Given the data set (and any state the mutation needs)
    extra = case.setup(data) if case.setup else {}
    ctx = Ctx(**dataclasses.asdict(data), **extra)
    args = case.args(ctx)
    last_audit = AuditLog.objects.order_by("-pk").values_list("pk", flat=True).first() or 0
    last_version = Version.objects.order_by("-pk").values_list("pk", flat=True).first() or 0

    # When the GM (the owner for owner-only mutations) runs it
    body = gql(operation(case.field, args, case.select), args, case.persona)

    # Then it returns the change
    result = ok(body)[case.field]
    assert matches(result, case.expect), result

    # and wrote its AuditLog row (by this user) and, for versioned entities, its Version row
    assert case.audit is not None
    entity_type, op = case.audit
    audits = AuditLog.objects.filter(pk__gt=last_audit, entity_type=entity_type, operation=op)
    assert audits.filter(actor_id=uuid.UUID(data.users[case.persona])).exists(), list(
        AuditLog.objects.filter(pk__gt=last_audit).values_list("entity_type", "operation")
    )
    versions = Version.objects.filter(pk__gt=last_version, entity_type=entity_type, operation=op)
    assert versions.exists() == case.versioned
    if case.versioned:
        version = versions.latest("pk")
        assert str(version.author_id) == data.users[case.persona]
        assert (version.snapshot is None) == (op == "DELETE")


# --- branches ----------------------------------------------------------------------------------


def test_branch_id_targets_a_non_main_branch(gql: GraphQLClient, data: Dataset) -> None:
    # Given a branch made with createBranch (a fork of the main branch's rows)
    created = ok(
        gql(
            'mutation($c: ID!) { createBranch(input: {campaignId: $c, name: "Fork"}) { id } }',
            {"c": data.campaign},
            "gm",
        )
    )
    branch = created["createBranch"]["id"]

    # When a kingdom, a settlement and a structure are created and changed on it
    kingdom = ok(
        gql(
            "mutation($c: ID!, $b: ID!) { createKingdom(input: {campaignId: $c, branchId: $b,"
            ' name: "Forked Realm"}) { id branchId campaignId } }',
            {"c": data.campaign, "b": branch},
            "gm",
        )
    )["createKingdom"]
    settlement = ok(
        gql(
            "mutation($k: ID!, $b: ID!, $l: ID!) { createSettlement(input: {kingdomId: $k,"
            ' branchId: $b, locationId: $l, name: "Fork Town"}) { id branchId kingdomId } }',
            # The main branch's settlement, copied to the fork, holds its location there too.
            {"k": kingdom["id"], "b": branch, "l": data.free_location},
            "gm",
        )
    )["createSettlement"]
    structure = ok(
        gql(
            "mutation($s: ID!, $b: ID!) { createStructure(input: {settlementId: $s, branchId: $b,"
            ' name: "Fork Mill", type: "mill"}) { id branchId settlementId } }',
            {"s": settlement["id"], "b": branch},
            "gm",
        )
    )["createStructure"]
    updated = ok(
        gql(
            "mutation($id: ID!, $b: ID!) { updateKingdom(id: $id, input: {branchId: $b,"
            ' name: "Forked Realm II", expectedVersion: 1}) { name version branchId } }',
            {"id": kingdom["id"], "b": branch},
            "gm",
        )
    )["updateKingdom"]
    leveled = ok(
        gql(
            "mutation($id: ID!, $b: ID!) { setSettlementLevel(id: $id, branchId: $b, level: 4)"
            " { level branchId } }",
            {"id": settlement["id"], "b": branch},
            "gm",
        )
    )["setSettlementLevel"]
    archived_ = ok(
        gql(
            # delete/archive/restore take branchId as a String, as the app declares it
            "mutation($id: ID!, $b: String!) { archiveStructure(id: $id, branchId: $b) {"
            " isArchived } }",
            {"id": structure["id"], "b": branch},
            "gm",
        )
    )["archiveStructure"]

    # Then every row lives on that branch, with its versions and audit rows there too
    assert kingdom["branchId"] == settlement["branchId"] == structure["branchId"] == branch
    assert kingdom["campaignId"] == data.campaign
    assert settlement["kingdomId"] == kingdom["id"]
    assert structure["settlementId"] == settlement["id"]
    assert updated == {"name": "Forked Realm II", "version": 2, "branchId": branch}
    assert leveled == {"level": 4, "branchId": branch}
    assert archived_ == {"isArchived": True}
    for uid in (kingdom["id"], settlement["id"], structure["id"]):
        assert set(Version.objects.filter(entity_uid=uid).values_list("branch_id", flat=True)) == {
            Branch.objects.get(pk=branch).pk
        }
        assert {str(b) for b in AuditLog.objects.filter(entity_id=uid).values_list(
            "branch_id", flat=True)} == {branch}  # fmt: skip

    # and the main branch does not see them, while the branch does
    listing = "query($c: ID!, $b: ID) { kingdomsByCampaign(campaignId: $c, branchId: $b) { id } }"
    on_main = ok(gql(listing, {"c": data.campaign}, "viewer"))["kingdomsByCampaign"]
    on_branch = ok(gql(listing, {"c": data.campaign, "b": branch}, "viewer"))["kingdomsByCampaign"]
    assert kingdom["id"] not in {k["id"] for k in on_main}
    # (the branch also holds its copy of the main branch's kingdom)
    assert {k["id"] for k in on_branch} == {kingdom["id"], data.kingdom}
    by_id = "query($id: ID!, $b: ID) { kingdom(id: $id, branchId: $b) { name } }"
    assert ok(gql(by_id, {"id": kingdom["id"]}, "viewer"))["kingdom"] is None
    assert ok(gql(by_id, {"id": kingdom["id"], "b": branch}, "viewer"))["kingdom"] == {
        "name": "Forked Realm II"
    }


def test_branch_id_of_another_campaign_is_refused(gql: GraphQLClient, data: Dataset) -> None:
    # Given the outsider's own campaign and its main branch
    world = worlds.create_world(actor(data, "outsider"), data={"name": "Mine", "calendars": []})
    from campaign.actions import campaigns

    theirs = campaigns.create_campaign(
        actor(data, "outsider"), world_id=world.pk, data={"name": "Theirs"}
    )
    their_branch = str(Branch.objects.get(campaign=theirs).pk)

    # When the GM creates a kingdom in the fixture campaign naming that branch
    body = gql(
        "mutation($c: ID!, $b: ID!) { createKingdom(input: {campaignId: $c, branchId: $b,"
        ' name: "Smuggled"}) { id } }',
        {"c": data.campaign, "b": their_branch},
        "gm",
    )

    # Then the branch is not found in this campaign and nothing is written
    assert error_of(body)["extensions"]["code"] == "NOT_FOUND"
    assert not Kingdom.objects.filter(name="Smuggled").exists()


# --- cascades and membership effects -----------------------------------------------------------


def test_delete_kingdom_cascades_to_settlements_and_structures(
    gql: GraphQLClient, data: Dataset
) -> None:
    # Given a kingdom with a settlement with a structure
    # When the owner deletes the kingdom
    ok(gql("mutation($id: ID!) { deleteKingdom(id: $id) { id } }", {"id": data.kingdom}, "owner"))

    # Then all three are gone from the API, with a DELETE audit row each
    for field, attr in (("kingdom", "kingdom"), ("settlement", "settlement"),
                        ("structure", "structure")):  # fmt: skip
        body = gql(f"query($id: ID!) {{ {field}(id: $id) {{ id }} }}", {"id": getattr(data, attr)},
                   "owner")  # fmt: skip
        assert ok(body)[field] is None
        assert AuditLog.objects.filter(entity_id=getattr(data, attr), operation="DELETE").exists()
    assert Settlement.all_objects.get(uid=data.settlement).deleted_at is not None
    assert Structure.all_objects.get(uid=data.structure).deleted_at is not None


def test_campaign_membership_changes_take_effect(gql: GraphQLClient, data: Dataset) -> None:
    # Given a user who is in no campaign
    read = "query($id: ID!) { kingdom(id: $id) { name } }"
    write = 'mutation($id: ID!) { updateKingdom(id: $id, input: {name: "Mine"}) { name } }'
    assert ok(gql(read, {"id": data.kingdom}, "newbie"))["kingdom"] is None
    member = {"campaignId": data.campaign, "userId": data.users["newbie"]}

    # When the owner adds them as a player, then makes them GM, then removes them
    change = "mutation($i: CampaignMemberInput!) { %s(input: $i) { role } }"
    ok(gql(change % "addCampaignMember", {"i": {**member, "role": "PLAYER"}}, "owner"))
    as_player = (
        gql(read, {"id": data.kingdom}, "newbie"),
        gql(write, {"id": data.kingdom}, "newbie"),
    )
    ok(gql(change % "updateCampaignMember", {"i": {**member, "role": "GM"}}, "owner"))
    as_gm = gql(write, {"id": data.kingdom}, "newbie")
    members = ok(gql("query($c: ID!) { campaignMembers(campaignId: $c) { email role } }",
                     {"c": data.campaign}, "owner"))["campaignMembers"]  # fmt: skip
    ok(gql("mutation($i: RemoveCampaignMemberInput!) { removeCampaignMember(input: $i) }",
           {"i": member}, "owner"))  # fmt: skip
    removed = gql(read, {"id": data.kingdom}, "newbie")

    # Then each role change applies to their very next request
    assert ok(as_player[0])["kingdom"] == {"name": "New Brevoy"}
    assert error_of(as_player[1])["extensions"]["code"] == "FORBIDDEN"
    assert ok(as_gm)["updateKingdom"] == {"name": "Mine"}
    assert {"email": "newbie@example.com", "role": "GM"} in members
    assert ok(removed)["kingdom"] is None


@pytest.mark.parametrize(
    ("role", "field"),
    [("OWNER", "role"), ("ADMIN", "role"), ("gm", "role")],
)
def test_membership_roles_are_checked(
    gql: GraphQLClient, data: Dataset, role: str, field: str
) -> None:
    # Given a role that is not GM, PLAYER or VIEWER
    member = {"campaignId": data.campaign, "userId": data.users["newbie"], "role": role}

    # When the owner adds a member with it
    body = gql(
        "mutation($i: CampaignMemberInput!) { addCampaignMember(input: $i) { role } }",
        {"i": member},
        "owner",
    )

    # Then it is refused, naming the role
    assert error_of(body)["extensions"].items() >= {"code": "BAD_REQUEST", "field": field}.items()


def test_removing_a_character_that_is_not_in_the_party_is_refused(
    gql: GraphQLClient, data: Dataset
) -> None:
    # Given a character in no party
    # When it is removed from the party
    body = gql(
        "mutation($i: RemovePartyMemberInput!) { removePartyMember(input: $i) { id } }",
        {"i": {"partyId": data.party, "characterId": data.loner}},
        "gm",
    )

    # Then it is refused, naming the character
    assert (
        error_of(body)["extensions"].items()
        >= {
            "code": "BAD_REQUEST",
            "field": "characterId",
        }.items()
    )


def test_the_main_branch_cannot_be_deleted(gql: GraphQLClient, data: Dataset) -> None:
    # Given the campaign's main branch
    # When the owner deletes it
    body = gql("mutation($id: ID!) { deleteBranch(id: $id) }", {"id": data.main_branch}, "owner")

    # Then it is refused and the branch is still there
    assert error_of(body)["extensions"]["code"] == "BAD_REQUEST"
    assert Branch.objects.filter(pk=data.main_branch).exists()


def test_a_deleted_entity_can_be_created_again(gql: GraphQLClient, data: Dataset) -> None:
    # Given a settlement deleted from its location
    ok(gql("mutation($id: ID!) { deleteSettlement(id: $id) { id } }", {"id": data.settlement},
           "owner"))  # fmt: skip

    # When a new settlement is founded on the same location
    body = gql(
        "mutation($k: ID!, $l: ID!) { createSettlement(input: {kingdomId: $k, locationId: $l,"
        ' name: "Restov Reborn"}) { name location { id } } }',
        {"k": data.kingdom, "l": data.settlement_location},
        "gm",
    )

    # Then it is accepted
    assert ok(body)["createSettlement"] == {
        "name": "Restov Reborn",
        "location": {"id": data.settlement_location},
    }


def test_world_time_of_an_update_is_where_its_version_holds_from(
    gql: GraphQLClient, data: Dataset
) -> None:
    # Given a world time in the campaign's future
    # When the GM updates a kingdom as of that time
    ok(
        gql(
            'mutation($id: ID!) { updateKingdom(id: $id, input: {name: "Later",'
            ' worldTime: "2024-06-01T00:00:00Z"}) { id } }',
            {"id": data.kingdom},
            "gm",
        )
    )

    # Then the new version is valid from that world time
    version = Version.objects.filter(entity_uid=data.kingdom).latest("sequence")
    assert version.valid_from.isoformat().startswith("2024-06-01T00:00:00")
    versions = ok(
        gql(
            "query($b: ID!, $id: ID!) { entityVersions(branchId: $b, entityId: $id,"
            ' entityType: "kingdom") { version validFrom payload } }',
            {"b": data.main_branch, "id": data.kingdom},
            "viewer",
        )
    )["entityVersions"]
    assert [v["version"] for v in versions] == [1, 2, 3]
    assert versions[-1]["validFrom"] == "2024-06-01T00:00:00.000Z"
    assert versions[-1]["payload"]["name"] == "Later"
