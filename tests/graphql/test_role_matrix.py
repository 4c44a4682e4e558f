"""The role matrix: every root field of the campaign domain, called with real ids of
fixture data, as anonymous, outsider, viewer, player, GM and owner.

Reads need membership, writes GM or owner, deletes, membership management and archiving a
campaign the owner; a non-member never gets data: a single object looked up by id is null, a list
of the caller's own campaigns or worlds is empty, anything else is NOT_FOUND; anonymous callers get
UNAUTHENTICATED (except ``health``). A root field without an entry here fails
``test_every_field_has_an_entry``.
"""

from collections.abc import Callable
from dataclasses import dataclass
from enum import Enum
from typing import Any

import pytest

from api.graphql.schema import MUTATIONS, QUERIES
from tests.builders import Dataset, geo_point
from tests.graphql.operations import OWNED_ELSEWHERE, campaign_domain_fields, operation
from tests.graphql_client import GraphQLClient

CALLERS = (None, "outsider", "viewer", "player", "gm", "owner")
MEMBERS = ("viewer", "player", "gm", "owner")

OK, EMPTY = "OK", "EMPTY"  # data came back / null or [] came back
UNAUTHENTICATED, NOT_FOUND, FORBIDDEN = "UNAUTHENTICATED", "NOT_FOUND", "FORBIDDEN"


class Access(Enum):
    PUBLIC = "anyone, even anonymous"
    READ = "campaign members"
    FIND = "campaign members; to a non-member the object looked up by id is null"
    MINE = "campaign members; a non-member's list of them is empty"
    AUDIT = "GM and owner (the audit trail is not for players)"
    WRITE = "GM and owner"
    MANAGE = "the owner only (deletes, membership, new campaigns in the owner's world)"
    OWN = "any signed-in user, on their own things"
    SELF = "the user themself (userAuditHistory of the owner)"
    OPERATOR = "staff users only (operations: getCacheStats); no campaign role is enough"


EXPECTED: dict[Access, dict[str | None, str]] = {
    Access.PUBLIC: dict.fromkeys(CALLERS, OK),
    Access.READ: {None: UNAUTHENTICATED, "outsider": NOT_FOUND, **dict.fromkeys(MEMBERS, OK)},
    Access.FIND: {None: UNAUTHENTICATED, "outsider": EMPTY, **dict.fromkeys(MEMBERS, OK)},
    Access.MINE: {None: UNAUTHENTICATED, "outsider": EMPTY, **dict.fromkeys(MEMBERS, OK)},
    Access.AUDIT: {
        None: UNAUTHENTICATED,
        "outsider": NOT_FOUND,
        "viewer": FORBIDDEN,
        "player": FORBIDDEN,
        "gm": OK,
        "owner": OK,
    },
    Access.WRITE: {
        None: UNAUTHENTICATED,
        "outsider": NOT_FOUND,
        "viewer": FORBIDDEN,
        "player": FORBIDDEN,
        "gm": OK,
        "owner": OK,
    },
    Access.MANAGE: {
        None: UNAUTHENTICATED,
        "outsider": NOT_FOUND,
        "viewer": FORBIDDEN,
        "player": FORBIDDEN,
        "gm": FORBIDDEN,
        "owner": OK,
    },
    Access.OWN: {None: UNAUTHENTICATED, **dict.fromkeys(CALLERS[1:], OK)},
    Access.SELF: {
        None: UNAUTHENTICATED,
        **dict.fromkeys(("outsider", "viewer", "player", "gm"), FORBIDDEN),
        "owner": OK,
    },
    Access.OPERATOR: {None: UNAUTHENTICATED, **dict.fromkeys(CALLERS[1:], FORBIDDEN)},
}

Args = Callable[[Dataset], dict[str, Any]]


@dataclass(frozen=True)
class Entry:
    access: Access
    args: Args = lambda d: {}
    # Where one caller's outcome differs from the access class, with the reason.
    overrides: tuple[tuple[str | None, str, str], ...] = ()


def read(args: Args = lambda d: {}) -> Entry:
    return Entry(Access.READ, args)


def write(args: Args) -> Entry:
    return Entry(Access.WRITE, args)


def manage(args: Args) -> Entry:
    return Entry(Access.MANAGE, args)


def by_id(attr: str) -> Args:
    return lambda d: {"id": getattr(d, attr)}


def find(attr: str) -> Entry:
    return Entry(Access.FIND, by_id(attr))


def in_campaign(**input_: Any) -> Args:
    return lambda d: {"input": {"campaignId": d.campaign, **input_}}


def variables_of(kind: str, attr: str, name: str) -> dict[str, Entry]:
    """The six typed-variable fields of one entity kind."""
    key = f"{kind}Id"
    Kind = kind.capitalize()
    return {
        f"{kind}Variable": read(lambda d: {key: getattr(d, attr), "name": name}),
        f"{kind}Variables": read(lambda d: {key: getattr(d, attr)}),
        f"{kind}VariableSchemas": read(lambda d: {key: getattr(d, attr)}),
        f"define{Kind}VariableSchema": write(
            lambda d: {key: getattr(d, attr), "input": {"name": "morale", "type": "NUMBER"}}
        ),
        f"set{Kind}Variable": write(
            lambda d: {key: getattr(d, attr), "input": {"name": name, "value": 7}}
        ),
        f"delete{Kind}VariableSchema": write(lambda d: {key: getattr(d, attr), "name": name}),
    }


# A world time after the data set was made (at the campaign's clock).
A_DAY_LATER = "2024-03-02T00:00:00Z"


def merge_of(data: Dataset) -> dict[str, Any]:
    """Merging the main branch into the side branch (forked before anything was made)."""
    return {
        "sourceBranchId": data.main_branch,
        "targetBranchId": data.side_branch,
        "worldTime": A_DAY_LATER,
    }


def as_of(data: Dataset, **args: str) -> dict[str, Any]:
    """An as-of read on the main branch, a day after the data set was made."""
    return {"branchId": data.main_branch, **args}


def near(world: str) -> dict[str, Any]:
    """Within 100 map units of the data set's places (Restov stands at 10, 20)."""
    return {"point": {"longitude": 10, "latitude": 20}, "radius": 100, "worldId": world}


def life_cycle(kind: str, attr: str) -> dict[str, Entry]:
    Kind = kind.capitalize()
    return {
        f"delete{Kind}": manage(by_id(attr)),
        f"archive{Kind}": write(by_id(attr)),
        f"restore{Kind}": write(by_id(attr)),
    }


MATRIX: dict[str, Entry] = {
    # --- worlds, campaigns, locations, world time -------------------------------------------
    "health": Entry(Access.PUBLIC),
    "getCacheStats": Entry(Access.OPERATOR),
    "worlds": Entry(Access.MINE),
    "world": find("world"),
    "campaigns": Entry(Access.MINE),
    "campaign": find("campaign"),
    "campaignsByWorld": read(lambda d: {"worldId": d.world}),
    "getCurrentWorldTime": read(lambda d: {"campaignId": d.campaign}),
    "location": find("settlement_location"),
    "locationsByWorld": read(lambda d: {"worldId": d.world}),
    "locationsByParent": read(lambda d: {"parentLocationId": d.region}),
    "locationsNear": read(lambda d: {"input": near(d.world)}),
    "locationsInRegion": read(lambda d: {"regionId": d.region}),
    "settlementsNear": read(lambda d: {"input": near(d.world)}),
    "settlementsInRegion": read(lambda d: {"regionId": d.region}),
    "checkRegionOverlap": read(lambda d: {"region1Id": d.region, "region2Id": d.free_location}),
    "mapLayer": read(
        lambda d: {"worldId": d.world, "bbox": {"west": 0, "south": 0, "east": 100, "north": 100}}
    ),
    "createWorld": Entry(Access.OWN, lambda d: {"input": {"name": "Eberron", "calendars": []}}),
    # The world itself is its owner's; campaign members only read it (GMs edit its map).
    "updateWorld": Entry(
        Access.MANAGE, lambda d: {"id": d.world, "input": {"name": "Golarion II"}}
    ),
    "deleteWorld": Entry(
        Access.MANAGE,
        by_id("world"),
        overrides=(("owner", "BAD_REQUEST", "a world with live campaigns is never deleted"),),
    ),
    "archiveWorld": Entry(Access.MANAGE, by_id("world")),
    "restoreWorld": Entry(Access.MANAGE, by_id("world")),
    "createCampaign": manage(lambda d: {"input": {"worldId": d.world, "name": "Second Run"}}),
    "updateCampaign": write(lambda d: {"id": d.campaign, "input": {"name": "Kingmaker II"}}),
    # Archiving a campaign takes it out of every member's list: the owner's, like deleting it.
    "deleteCampaign": manage(by_id("campaign")),
    "archiveCampaign": manage(by_id("campaign")),
    "restoreCampaign": manage(by_id("campaign")),
    "createLocation": write(
        lambda d: {
            "input": {
                "worldId": d.world,
                "type": "point",
                "name": "Varnhold",
                "geometry": geo_point(7, 7),
            }
        }
    ),
    "updateLocation": write(lambda d: {"id": d.free_location, "input": {"name": "Tatzlford II"}}),
    "updateLocationGeometry": write(
        lambda d: {"id": d.free_location, "input": {"geoJson": geo_point(51, 61)}}
    ),
    **life_cycle("location", "free_location"),
    # --- membership ---------------------------------------------------------------------------
    "campaignMembers": Entry(Access.MANAGE, lambda d: {"campaignId": d.campaign}),
    "addCampaignMember": manage(
        lambda d: {
            "input": {"campaignId": d.campaign, "userId": d.users["newbie"], "role": "PLAYER"}
        }
    ),
    "updateCampaignMember": manage(
        lambda d: {
            "input": {"campaignId": d.campaign, "userId": d.users["viewer"], "role": "PLAYER"}
        }
    ),
    "removeCampaignMember": manage(
        lambda d: {"input": {"campaignId": d.campaign, "userId": d.users["viewer"]}}
    ),
    # --- branches, versions, audit ------------------------------------------------------------
    "branch": find("side_branch"),
    "branches": read(lambda d: {"campaignId": d.campaign}),
    "branchHierarchy": read(lambda d: {"campaignId": d.campaign}),
    "createBranch": write(lambda d: {"input": {"campaignId": d.campaign, "name": "Alternate"}}),
    "updateBranch": write(lambda d: {"id": d.side_branch, "input": {"name": "What if II"}}),
    "deleteBranch": manage(by_id("side_branch")),
    "entityVersions": read(
        lambda d: {"branchId": d.main_branch, "entityId": d.kingdom, "entityType": "kingdom"}
    ),
    "forkBranch": write(
        lambda d: {
            "input": {
                "sourceBranchId": d.main_branch,
                "name": "Forked",
                "worldTime": A_DAY_LATER,
            }
        }
    ),
    "previewMerge": read(lambda d: {"input": merge_of(d)}),
    "executeMerge": write(lambda d: {"input": merge_of(d)}),
    "getMergeHistory": Entry(
        Access.READ,
        lambda d: {"branchId": d.main_branch},
        tuple((member, EMPTY, "the data set has no merge yet") for member in MEMBERS),
    ),
    "cherryPickVersion": write(
        lambda d: {
            "input": {"sourceVersionId": d.kingdom_versions[1], "targetBranchId": d.main_branch}
        }
    ),
    "restoreVersion": write(
        lambda d: {"input": {"versionId": d.kingdom_versions[0], "branchId": d.main_branch}}
    ),
    "entityAsOf": Entry(
        Access.FIND,
        lambda d: as_of(d, entityType="kingdom", id=d.kingdom, worldTime=A_DAY_LATER),
    ),
    "settlementAsOf": Entry(Access.FIND, lambda d: as_of(d, id=d.settlement, asOf=A_DAY_LATER)),
    "structureAsOf": Entry(Access.FIND, lambda d: as_of(d, id=d.structure, asOf=A_DAY_LATER)),
    "versionDiff": read(
        lambda d: {"versionId1": d.kingdom_versions[0], "versionId2": d.kingdom_versions[1]}
    ),
    "entityAuditHistory": Entry(
        Access.AUDIT, lambda d: {"entityType": "Kingdom", "entityId": d.kingdom}
    ),
    "userAuditHistory": Entry(Access.SELF, lambda d: {"userId": d.users["owner"]}),
    # --- kingdoms, settlements, structures ----------------------------------------------------
    "kingdom": find("kingdom"),
    "settlement": find("settlement"),
    "structure": find("structure"),
    "kingdomsByCampaign": read(lambda d: {"campaignId": d.campaign}),
    "settlementsByKingdom": read(lambda d: {"kingdomId": d.kingdom}),
    "settlementAtLocation": Entry(Access.FIND, lambda d: {"locationId": d.settlement_location}),
    "structuresBySettlement": read(lambda d: {"settlementId": d.settlement}),
    "createKingdom": write(in_campaign(name="Pitax")),
    "updateKingdom": write(lambda d: {"id": d.kingdom, "input": {"name": "Brevoy Reborn"}}),
    "createSettlement": write(
        lambda d: {
            "input": {"kingdomId": d.kingdom, "locationId": d.free_location, "name": "Tatzlford"}
        }
    ),
    "updateSettlement": write(lambda d: {"id": d.settlement, "input": {"name": "New Restov"}}),
    "createStructure": write(
        lambda d: {"input": {"settlementId": d.settlement, "name": "Mill", "type": "mill"}}
    ),
    "updateStructure": write(lambda d: {"id": d.structure, "input": {"name": "Great Temple"}}),
    "setKingdomLevel": write(lambda d: {"id": d.kingdom, "level": 2}),
    "setSettlementLevel": write(lambda d: {"id": d.settlement, "level": 2}),
    "setStructureLevel": write(lambda d: {"id": d.structure, "level": 2}),
    **life_cycle("kingdom", "kingdom"),
    **life_cycle("settlement", "settlement"),
    **life_cycle("structure", "structure"),
    **variables_of("kingdom", "kingdom", "treasury"),
    **variables_of("settlement", "settlement", "population"),
    **variables_of("structure", "structure", "upkeep"),
    # --- parties, characters ------------------------------------------------------------------
    "party": find("party"),
    "character": find("member"),
    "partiesByCampaign": read(lambda d: {"campaignId": d.campaign}),
    "charactersByCampaign": read(lambda d: {"campaignId": d.campaign}),
    "charactersByParty": read(lambda d: {"partyId": d.party}),
    "createParty": write(in_campaign(name="Rangers")),
    "updateParty": write(lambda d: {"id": d.party, "input": {"name": "Heroes II"}}),
    "createCharacter": write(in_campaign(name="Valeros")),
    "updateCharacter": write(lambda d: {"id": d.member, "input": {"name": "Amiri the Bold"}}),
    "setPartyLevel": write(lambda d: {"id": d.party, "level": 5}),
    "setCharacterLevel": write(lambda d: {"id": d.member, "level": 4}),
    "addPartyMember": write(lambda d: {"input": {"partyId": d.party, "characterId": d.loner}}),
    "removePartyMember": write(lambda d: {"input": {"partyId": d.party, "characterId": d.member}}),
    **life_cycle("party", "party"),
    **life_cycle("character", "member"),
    **variables_of("party", "party", "gold"),
    # --- events, encounters, links ------------------------------------------------------------
    "event": find("event"),
    "encounter": find("encounter"),
    "link": find("link"),
    "eventsByCampaign": read(lambda d: {"campaignId": d.campaign}),
    "encountersByCampaign": read(lambda d: {"campaignId": d.campaign}),
    "eventsByLocation": read(lambda d: {"locationId": d.event_location}),
    "encountersByLocation": read(lambda d: {"locationId": d.event_location}),
    "linksBySource": read(lambda d: {"sourceId": d.event, "sourceType": "event"}),
    "linksByTarget": read(lambda d: {"targetId": d.encounter, "targetType": "encounter"}),
    "createEvent": write(in_campaign(name="Feast", eventType="kingdom")),
    "updateEvent": write(lambda d: {"id": d.event, "input": {"name": "Big raid"}}),
    "createEncounter": write(in_campaign(name="Kobolds")),
    "updateEncounter": write(lambda d: {"id": d.encounter, "input": {"difficulty": 5}}),
    "createLink": write(
        lambda d: {
            "input": {
                "sourceType": "encounter",
                "sourceId": d.encounter,
                "targetType": "event",
                "targetId": d.event,
                "linkType": "triggers",
            }
        }
    ),
    "updateLink": write(lambda d: {"id": d.link, "input": {"description": "They come at dusk"}}),
    **life_cycle("event", "event"),
    **life_cycle("encounter", "encounter"),
    **life_cycle("link", "link"),
}


def outcome(body: dict[str, Any], field: str) -> str:
    errors = body.get("errors")
    if errors:
        assert len(errors) == 1, errors
        return str(errors[0]["extensions"]["code"])
    value = body["data"][field]
    return EMPTY if value is None or value == [] else OK


def expected(entry: Entry, caller: str | None) -> str:
    for who, code, _reason in entry.overrides:
        if who == caller:
            return code
    return EXPECTED[entry.access][caller]


@pytest.mark.parametrize("root", ["Query", "Mutation"])
def test_every_field_has_an_entry(root: str) -> None:
    # Given the root fields the campaign app contributes to the schema
    fields = campaign_domain_fields(root)

    # Then each has a matrix entry (and each entry names a real field)
    assert fields - set(MATRIX) == set(), "root fields without a role-matrix entry"
    others = campaign_domain_fields("Mutation" if root == "Query" else "Query")
    assert {f for f in MATRIX if f not in others} == fields


def test_parts_owned_elsewhere_exist() -> None:
    # Given the parts of the root types that other suites cover
    parts = {part.__name__ for part in (*QUERIES, *MUTATIONS)}

    # Then each is still in the schema (a renamed part would silently escape both suites)
    assert set(OWNED_ELSEWHERE) <= parts


@pytest.mark.parametrize("caller", CALLERS, ids=lambda c: c or "anonymous")
@pytest.mark.parametrize("field", sorted(MATRIX))
def test_role_matrix(gql: GraphQLClient, data: Dataset, field: str, caller: str | None) -> None:
    # Given a call of the field with real ids of the fixture data
    entry = MATRIX[field]
    document = operation(field, entry.args(data))

    # When the caller sends it
    body = gql(document, entry.args(data), persona=caller)

    # Then the outcome is the one the caller's role allows
    assert outcome(body, field) == expected(entry, caller), body
