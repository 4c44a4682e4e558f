"""One realistic campaign, built through the actions, that the GraphQL tests read and change.

Every id a test needs is kept as the public id string the API speaks, so tests build their calls
from real rows of fixture data.
"""

import datetime
from dataclasses import dataclass
from typing import Any

from campaign.actions import (
    branches,
    campaigns,
    characters,
    events,
    kingdoms,
    links,
    locations,
    parties,
    settlements,
    structures,
    worlds,
)
from campaign.models import Role, User, Version
from kernel.actor import Actor

PERSONAS = ("owner", "gm", "player", "viewer", "outsider")
PASSWORD = "correct horse battery staple"
WORLD_TIME = datetime.datetime(2024, 3, 1, 12, tzinfo=datetime.UTC)
SQUARE = {"type": "Polygon", "coordinates": [[[0, 0], [100, 0], [100, 100], [0, 100], [0, 0]]]}


def email(persona: str) -> str:
    return f"{persona}@example.com"


def point(x: float, y: float) -> dict[str, Any]:
    return {"type": "Point", "coordinates": [x, y]}


def number(name: str) -> list[dict[str, Any]]:
    return [{"name": name, "type": "number"}]


@dataclass(frozen=True)
class Dataset:
    users: dict[str, str]  # persona (and "newbie", who is in no campaign) → user id
    world: str
    campaign: str
    main_branch: str
    side_branch: str
    region: str
    settlement_location: str
    event_location: str
    free_location: str
    kingdom: str
    settlement: str
    structure: str
    party: str
    member: str  # a character in the party
    loner: str  # a character in no party
    event: str
    encounter: str
    link: str
    kingdom_versions: tuple[str, str]


def build() -> Dataset:
    users = {
        name: User.objects.create_user(email(name), PASSWORD, name=name.title())
        for name in (*PERSONAS, "newbie")
    }
    owner = Actor(users["owner"])
    world = worlds.create_world(owner, {"name": "Golarion", "calendars": []})
    region = locations.create_location(
        owner, world.pk, {"type": "region", "name": "Stolen Lands", "geometry": SQUARE}
    )

    def place(name: str, x: float, y: float) -> str:
        data = {"type": "point", "name": name, "geometry": point(x, y), "parent_id": region.pk}
        return str(locations.create_location(owner, world.pk, data).pk)

    campaign = campaigns.create_campaign(
        owner, world.pk, {"name": "Kingmaker"}, current_world_time=WORLD_TIME
    )
    for name, role in (("gm", Role.GM), ("player", Role.PLAYER), ("viewer", Role.VIEWER)):
        campaigns.add_member(owner, campaign.pk, users[name].pk, role)
    side = branches.create_branch(owner, campaign.pk, None, {"name": "What if"})

    kingdom = kingdoms.create_kingdom(
        owner,
        campaign.pk,
        {"name": "Brevoy", "variable_schemas": number("treasury"), "variables": {"treasury": 100}},
    )
    kingdoms.update_kingdom(owner, kingdom.uid, {"name": "New Brevoy"})
    settlement_location = place("Restov", 10, 20)
    settlement = settlements.create_settlement(
        owner,
        kingdom.uid,
        {
            "name": "Restov",
            "location_id": settlement_location,
            "variable_schemas": number("population"),
            "variables": {"population": 1200},
        },
    )
    structure = structures.create_structure(
        owner,
        settlement.uid,
        {
            "name": "Temple of Erastil",
            "type": "temple",
            "variable_schemas": number("upkeep"),
            "variables": {"upkeep": 3},
        },
    )
    party = parties.create_party(
        owner,
        campaign.pk,
        {"name": "Heroes", "variable_schemas": number("gold"), "variables": {"gold": 10}},
    )
    member = characters.create_character(
        owner, campaign.pk, {"name": "Amiri", "level": 3, "party_id": str(party.uid)}
    )
    loner = characters.create_character(owner, campaign.pk, {"name": "Nok-Nok"})
    event_location = place("Oleg's Trading Post", 30, 40)
    event = events.create_event(
        owner,
        campaign.pk,
        {
            "name": "Bandit raid",
            "event_type": "story",
            "location_id": event_location,
            "scheduled_at": "2024-03-02T00:00:00Z",
        },
    )
    encounter = events.create_encounter(
        owner, campaign.pk, {"name": "Bandit camp", "difficulty": 3, "location_id": event_location}
    )
    link = links.create_link(
        owner,
        campaign.pk,
        {
            "source_type": "event",
            "source_id": str(event.uid),
            "target_type": "encounter",
            "target_id": str(encounter.uid),
            "link_type": "related",
        },
    )
    versions = Version.objects.filter(entity_uid=kingdom.uid).order_by("sequence")
    first, second = (str(pk) for pk in versions.values_list("pk", flat=True))
    return Dataset(
        users={name: str(user.pk) for name, user in users.items()},
        world=str(world.pk),
        campaign=str(campaign.pk),
        main_branch=str(kingdom.branch_id),
        side_branch=str(side.pk),
        region=str(region.pk),
        settlement_location=settlement_location,
        event_location=event_location,
        free_location=place("Tatzlford", 50, 60),
        kingdom=str(kingdom.uid),
        settlement=str(settlement.uid),
        structure=str(structure.uid),
        party=str(party.uid),
        member=str(member.uid),
        loner=str(loner.uid),
        event=str(event.uid),
        encounter=str(encounter.uid),
        link=str(link.uid),
        kingdom_versions=(first, second),
    )
