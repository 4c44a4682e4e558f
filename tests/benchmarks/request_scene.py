"""The data and the requests the request-path benchmarks share (profile_requests, bench_load):
the requests of issue 15's table, against a campaign seeded into a throwaway database.

A kingdom of ``settlements`` settlements with ``structures`` structures each is bulk-inserted
(the size is the point, not its history); one settlement is made and changed through the actions,
so it has versions, audit rows and a computed field.
"""

import json
from dataclasses import dataclass, field
from typing import Any

from tests.graphql.spa_operations import OPERATIONS

SETTLEMENTS_BY_KINGDOM = """
    query SettlementsByKingdom($kingdomId: ID!) {
      settlementsByKingdom(kingdomId: $kingdomId) {
        id name level location { id geojson } structures { id name type level }
      }
    }"""
SETTLEMENT = """
    query Settlement($id: ID!) {
      settlement(id: $id) { id name level variables computedFields version }
    }"""
KINGDOMS = """
    query Kingdoms($campaignId: ID!) {
      kingdomsByCampaign(campaignId: $campaignId) { id name level variables version }
    }"""
UPDATE = """
    mutation Update($id: ID!, $input: UpdateSettlementInput!) {
      updateSettlement(id: $id, input: $input) { id level version }
    }"""
VERSION = """
    query Version($id: ID!) { settlement(id: $id) { id version } }"""


@dataclass
class Scene:
    token: str
    campaign: str
    kingdom: str
    settlement: str
    sql_user: dict[str, Any] = field(default_factory=dict)
    # Every settlement of the kingdom: what concurrent writers spread their writes over.
    settlements: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Request:
    name: str
    method: str
    path: str
    body: bytes = b""
    authorized: bool = True


def graphql(name: str, query: str, variables: dict[str, Any] | None = None) -> Request:
    return Request(
        name, "POST", "/graphql", json.dumps({"query": query, "variables": variables}).encode()
    )


def requests(scene: Scene) -> list[Request]:
    """Issue 15's table, in its order (the write is separate: ``update``)."""
    return [
        Request("health", "GET", "/health/live/", authorized=False),
        graphql("__typename", "{ __typename }"),
        graphql("campaigns", "{ campaigns { id name } }"),
        graphql("kingdomsByCampaign", KINGDOMS, {"campaignId": scene.campaign}),
        graphql("settlement", SETTLEMENT, {"id": scene.settlement}),
        graphql("settlementsByKingdom", SETTLEMENTS_BY_KINGDOM, {"kingdomId": scene.kingdom}),
        graphql(
            "entityAuditHistory",
            OPERATIONS["GetEntityAuditHistory"],
            {"entityType": "settlement", "entityId": scene.settlement, "limit": 20},
        ),
    ]


def update(scene: Scene, level: int) -> Request:
    """A write as the SPA makes it, without an expected version (read-then-write costs one more
    read: ``version``)."""
    return update_settlement(scene.settlement, level)


def update_settlement(
    settlement: str, level: int, *, expected_version: int | None = None
) -> Request:
    data: dict[str, Any] = {"level": level}
    if expected_version is not None:
        data["expectedVersion"] = expected_version
    return graphql("updateSettlement", UPDATE, {"id": settlement, "input": data})


def version(settlement: str) -> Request:
    """The read before a write: the settlement's current version, its ``expectedVersion``."""
    return graphql("settlement version", VERSION, {"id": settlement})


def seed(*, settlements: int = 20, structures: int = 5, name: str = "bench") -> Scene:
    from campaign.actions import campaigns, kingdoms, worlds
    from campaign.actions import settlements as settlement_actions
    from campaign.auth.tokens import issue_access_token
    from campaign.models import Location, Settlement, Structure, User
    from kernel.actor import Actor
    from rules.actions import create_field_condition

    owner = User.objects.create_user(f"{name}@example.com", "bench-password-123")
    actor = Actor(owner)
    world = worlds.create_world(actor, data={"name": f"{name} world"})
    campaign = campaigns.create_campaign(
        actor, world_id=world.pk, data={"name": f"{name} campaign"}
    )
    kingdom = kingdoms.create_kingdom(
        actor, campaign_id=campaign.pk, data={"name": f"{name} kingdom", "level": 3}
    )
    locations = Location.objects.bulk_create(
        Location(
            world=world,
            type="point",
            name=f"L{n}",
            geometry={"type": "Point", "coordinates": [n, n]},
            min_x=n,
            min_y=n,
            max_x=n,
            max_y=n,
        )
        for n in range(settlements)
    )
    rows = Settlement.objects.bulk_create(
        Settlement(
            branch=kingdom.branch,
            kingdom=kingdom,
            location=location,
            name=f"Town {n}",
            level=1 + n % 10,
            variables={},
        )
        for n, location in enumerate(locations)
    )
    Structure.objects.bulk_create(
        Structure(branch=kingdom.branch, settlement=s, type="market", name=f"Market {s.pk}-{i}")
        for s in rows
        for i in range(structures)
    )
    town = rows[0]
    for level in (2, 3, 4):
        settlement_actions.update_settlement(actor, settlement_id=town.uid, data={"level": level})
    create_field_condition(
        actor,
        data={
            "entity_type": "settlement",
            "entity_id": str(town.uid),
            "field": "big",
            "expression": {">=": [{"var": "settlement.level"}, 3]},
        },
    )
    return Scene(
        token=issue_access_token(owner),
        campaign=str(campaign.pk),
        kingdom=str(kingdom.uid),
        settlement=str(town.uid),
        settlements=[str(row.uid) for row in rows],
    )
