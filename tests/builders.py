"""Test data, built through the actions: small builders of one row each (any field may be given,
the rest is filled in), and the two data sets several suites share: the GraphQL suite's full
campaign (``build_dataset``) and the rules suite's scene with one rule of every kind
(``build_scene``)."""

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
from campaign.models import (
    Campaign,
    Character,
    Encounter,
    Event,
    Kingdom,
    Link,
    Location,
    Party,
    Role,
    Settlement,
    Structure,
    User,
    Version,
)
from kernel.actor import Actor
from rules import actions as rules
from rules.models import Effect, EffectExecution, FieldCondition, StateVariable

_counter = iter(range(1, 10_000_000))


def geo_point(x: float, y: float) -> dict[str, Any]:
    return {"type": "Point", "coordinates": [x, y]}


# --- one row each ---------------------------------------------------------------------------


def point(
    actor: Actor, campaign: Campaign, x: float = 0.0, y: float = 0.0, **data: Any
) -> Location:
    """A point location in the campaign's world."""
    return locations.create_location(
        actor,
        world_id=campaign.world_id,
        data={
            "type": "point",
            "name": f"Place {next(_counter)}",
            "geometry": geo_point(x, y),
            **data,
        },
    )


def kingdom(actor: Actor, campaign: Campaign, **data: Any) -> Kingdom:
    return kingdoms.create_kingdom(
        actor, campaign_id=campaign.pk, data={"name": f"Kingdom {next(_counter)}", **data}
    )


def settlement(actor: Actor, in_kingdom: Kingdom, **data: Any) -> Settlement:
    """A settlement of the kingdom, on a new point location unless one is given."""
    campaign = in_kingdom.branch.campaign
    location = data.pop("location", None) or point(actor, campaign)
    return settlements.create_settlement(
        actor,
        kingdom_id=in_kingdom.uid,
        data={"name": f"Settlement {next(_counter)}", "location_id": str(location.pk), **data},
        branch_id=in_kingdom.branch_id,
    )


def structure(actor: Actor, in_settlement: Settlement, **data: Any) -> Structure:
    return structures.create_structure(
        actor,
        settlement_id=in_settlement.uid,
        data={"name": f"Structure {next(_counter)}", "type": "temple", **data},
        branch_id=in_settlement.branch_id,
    )


def party(actor: Actor, campaign: Campaign, **data: Any) -> Party:
    return parties.create_party(
        actor, campaign_id=campaign.pk, data={"name": f"Party {next(_counter)}", **data}
    )


def character(actor: Actor, campaign: Campaign, **data: Any) -> Character:
    return characters.create_character(
        actor, campaign_id=campaign.pk, data={"name": f"Character {next(_counter)}", **data}
    )


def event(actor: Actor, campaign: Campaign, **data: Any) -> Event:
    return events.create_event(
        actor,
        campaign_id=campaign.pk,
        data={"name": f"Event {next(_counter)}", "event_type": "story", **data},
    )


def encounter(actor: Actor, campaign: Campaign, **data: Any) -> Encounter:
    return events.create_encounter(
        actor, campaign_id=campaign.pk, data={"name": f"Encounter {next(_counter)}", **data}
    )


def link(actor: Actor, campaign: Campaign, source: Any, target: Any, **data: Any) -> Link:
    """A link from one event or encounter to another (``related`` unless a type is given)."""
    ends = {
        "source_type": type(source).__name__.lower(),
        "source_id": str(source.uid),
        "target_type": type(target).__name__.lower(),
        "target_id": str(target.uid),
    }
    return links.create_link(
        actor, campaign_id=campaign.pk, data={**ends, "link_type": "related", **data}
    )


# --- the rules suite's scene ----------------------------------------------------------------
@dataclass
class Scene:
    """A campaign with a kingdom, a settlement and its structure, a party and a character, an
    event and an encounter, and rules: an instance and a type-wide field condition, a campaign
    variable, a derived settlement variable, a world variable, an effect with an execution."""

    campaign: Campaign
    kingdom: Kingdom
    settlement: Settlement
    structure: Structure
    party: Party
    character: Character
    event: Event
    encounter: Encounter
    condition: FieldCondition
    type_condition: FieldCondition
    gold: StateVariable
    wealth: StateVariable
    era: StateVariable
    effect: Effect
    execution: EffectExecution

    @property
    def ids(self) -> dict[str, str]:
        return {
            "campaign": str(self.campaign.pk),
            "kingdom": str(self.kingdom.uid),
            "settlement": str(self.settlement.uid),
            "structure": str(self.structure.uid),
            "event": str(self.event.uid),
            "encounter": str(self.encounter.uid),
            "condition": str(self.condition.uid),
            "type_condition": str(self.type_condition.uid),
            "gold": str(self.gold.uid),
            "wealth": str(self.wealth.uid),
            "era": str(self.era.uid),
            "effect": str(self.effect.uid),
            "world": str(self.campaign.world_id),
        }


def build_scene(owner: Actor, campaign: Campaign) -> Scene:
    brevoy = kingdom(owner, campaign, name="Brevoy", level=4)
    restov = settlement(owner, brevoy, name="Restov", level=5)
    temple = structure(owner, restov, name="Temple", level=2)
    company = party(owner, campaign, name="Stolen Lands Company")
    amiri = character(owner, campaign, name="Amiri", level=3)
    festival = event(owner, campaign, name="Festival", event_type="kingdom")
    bandits = encounter(owner, campaign, name="Bandits")
    condition = rules.create_field_condition(
        owner,
        data={
            "entity_type": "Settlement",
            "entity_id": str(restov.uid),
            "field": "is_trade_hub",
            "expression": {">=": [{"var": "settlement.level"}, 3]},
            "description": "Big enough to trade",
            "priority": 10,
        },
    )
    type_condition = rules.create_field_condition(
        owner,
        data={
            "entity_type": "settlement",
            "campaign_id": str(campaign.pk),
            "field": "is_trade_hub",
            "expression": False,
            "priority": 1,
        },
    )
    gold = rules.create_state_variable(
        owner,
        data={
            "scope": "campaign",
            "scope_id": str(campaign.pk),
            "key": "gold",
            "type": "integer",
            "value": 100,
        },
    )
    wealth = rules.create_state_variable(
        owner,
        data={
            "scope": "settlement",
            "scope_id": str(restov.uid),
            "key": "wealth",
            "type": "derived",
            "formula": {"*": [{"var": "var.gold"}, {"var": "settlement.level"}]},
        },
    )
    era = rules.create_state_variable(
        owner,
        data={
            "scope": "world",
            "scope_id": str(campaign.world_id),
            "key": "era",
            "type": "string",
            "value": "Age of Lost Omens",
        },
    )
    effect = rules.create_effect(
        owner,
        data={
            "entity_type": "event",
            "entity_id": str(festival.uid),
            "name": "Festival joy",
            "effect_type": "patch",
            "payload": [{"op": "replace", "path": "/level", "value": 6}],
            "target_type": "settlement",
            "target_id": str(restov.uid),
            "timing": "ON_RESOLVE",
            "priority": 2,
        },
    )
    execution = EffectExecution.objects.create(
        effect=effect,
        source_type="event",
        source_uid=festival.uid,
        executed_by=owner.user,
        context={"level": 5},
        result={"success": True, "patchApplied": effect.payload},
    )
    return Scene(
        campaign,
        brevoy,
        restov,
        temple,
        company,
        amiri,
        festival,
        bandits,
        condition,
        type_condition,
        gold,
        wealth,
        era,
        effect,
        execution,
    )


# --- the GraphQL suite's data set -----------------------------------------------------------

PERSONAS = ("owner", "gm", "player", "viewer", "outsider")
PASSWORD = "correct horse battery staple"
WORLD_TIME = datetime.datetime(2024, 3, 1, 12, tzinfo=datetime.UTC)
SQUARE = {"type": "Polygon", "coordinates": [[[0, 0], [100, 0], [100, 100], [0, 100], [0, 0]]]}


def email(persona: str) -> str:
    return f"{persona}@example.com"


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


def build_dataset() -> Dataset:
    """Personas (and a "newbie" in no campaign), a world with a region and places, a campaign with
    a side branch, a kingdom renamed once, its settlement and structure, a party with a member, a
    loner, an event and an encounter at one place and a link between them."""
    users = {
        name: User.objects.create_user(email(name), PASSWORD, name=name.title())
        for name in (*PERSONAS, "newbie")
    }
    owner = Actor(users["owner"])
    world = worlds.create_world(owner, data={"name": "Golarion", "calendars": []})
    region = locations.create_location(
        owner,
        world_id=world.pk,
        data={"type": "region", "name": "Stolen Lands", "geometry": SQUARE},
    )
    campaign = campaigns.create_campaign(
        owner, world_id=world.pk, data={"name": "Kingmaker"}, current_world_time=WORLD_TIME
    )
    for name, role in (("gm", Role.GM), ("player", Role.PLAYER), ("viewer", Role.VIEWER)):
        campaigns.add_member(owner, campaign_id=campaign.pk, user_id=users[name].pk, role=role)
    side = branches.create_branch(
        owner, campaign_id=campaign.pk, parent_id=None, data={"name": "What if"}
    )

    def place(name: str, x: float, y: float) -> Location:
        return point(owner, campaign, x, y, name=name, parent_id=region.pk)

    brevoy = kingdom(
        owner,
        campaign,
        name="Brevoy",
        variable_schemas=number("treasury"),
        variables={"treasury": 100},
    )
    kingdoms.update_kingdom(owner, kingdom_id=brevoy.uid, data={"name": "New Brevoy"})
    restov = settlement(
        owner,
        brevoy,
        name="Restov",
        location=place("Restov", 10, 20),
        variable_schemas=number("population"),
        variables={"population": 1200},
    )
    temple = structure(
        owner,
        restov,
        name="Temple of Erastil",
        type="temple",
        variable_schemas=number("upkeep"),
        variables={"upkeep": 3},
    )
    heroes = party(
        owner, campaign, name="Heroes", variable_schemas=number("gold"), variables={"gold": 10}
    )
    amiri = character(owner, campaign, name="Amiri", level=3, party_id=str(heroes.uid))
    loner = character(owner, campaign, name="Nok-Nok")
    trading_post = str(place("Oleg's Trading Post", 30, 40).pk)
    raid = event(
        owner,
        campaign,
        name="Bandit raid",
        event_type="story",
        location_id=trading_post,
        scheduled_at="2024-03-02T00:00:00Z",
    )
    camp = encounter(owner, campaign, name="Bandit camp", difficulty=3, location_id=trading_post)
    related = link(owner, campaign, raid, camp, link_type="related")
    versions = Version.objects.filter(entity_uid=brevoy.uid).order_by("sequence")
    first, second = (str(pk) for pk in versions.values_list("pk", flat=True))
    return Dataset(
        users={name: str(user.pk) for name, user in users.items()},
        world=str(world.pk),
        campaign=str(campaign.pk),
        main_branch=str(brevoy.branch_id),
        side_branch=str(side.pk),
        region=str(region.pk),
        settlement_location=str(restov.location_id),
        event_location=trading_post,
        free_location=str(place("Tatzlford", 50, 60).pk),
        kingdom=str(brevoy.uid),
        settlement=str(restov.uid),
        structure=str(temple.uid),
        party=str(heroes.uid),
        member=str(amiri.uid),
        loner=str(loner.uid),
        event=str(raid.uid),
        encounter=str(camp.uid),
        link=str(related.uid),
        kingdom_versions=(first, second),
    )
