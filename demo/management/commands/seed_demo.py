"""``manage.py seed_demo``: a realistic demo campaign, built only through the actions.

Everything is created by the demo GM through the same actions the API and the admin use, so the
demo comes with its full history (versions) and audit trail. Running it again does nothing: the
demo is recognised by its world's name and owner. ``--reset`` soft-deletes the demo and seeds it
afresh.
"""

import datetime
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.management.base import BaseCommand, CommandParser
from django.db import transaction

from campaign.actions import (
    campaigns,
    characters,
    entities,
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
    Location,
    Role,
    Settlement,
    User,
    World,
)
from kernel.actor import Actor
from rules import actions as rules

DEMO_WORLD_NAME = "Golarion (demo)"
DEMO_CAMPAIGN_NAME = "Kingmaker: The Stolen Lands"
DEFAULT_OWNER_EMAIL = "gm@demo.campaign"
PLAYER_EMAIL = "player@demo.campaign"
VIEWER_EMAIL = "viewer@demo.campaign"

# 15 Pharast 4710 AR, nine in the morning: the charter has just been granted in Restov.
START = datetime.datetime(4710, 3, 15, 9, 0, tzinfo=datetime.UTC)

MONTHS = [
    ("Abadius", 31, "winter", "Abadar"),
    ("Calistril", 28, "winter", "Calistria"),
    ("Pharast", 31, "spring", "Pharasma"),
    ("Gozran", 30, "spring", "Gozreh"),
    ("Desnus", 31, "spring", "Desna"),
    ("Sarenith", 30, "summer", "Sarenrae"),
    ("Erastus", 31, "summer", "Erastil"),
    ("Arodus", 31, "summer", "Aroden"),
    ("Rova", 30, "autumn", "Rovagug"),
    ("Lamashan", 31, "autumn", "Lamashtu"),
    ("Neth", 30, "autumn", "Nethys"),
    ("Kuthona", 31, "winter", "Zon-Kuthon"),
]
WEEKDAYS = [
    ("Moonday", "worship"),
    ("Toilday", "work"),
    ("Wealday", "work, wages are paid"),
    ("Oathday", "contracts and treaties"),
    ("Fireday", "work"),
    ("Starday", "work"),
    ("Sunday", "rest and prayer"),
]

CALENDARS: list[dict[str, Any]] = [
    {
        "id": "absalom-reckoning",
        "name": "Absalom Reckoning",
        "abbreviation": "AR",
        "monthsPerYear": len(MONTHS),
        "daysPerMonth": [days for _, days, _, _ in MONTHS],
        "monthNames": [name for name, _, _, _ in MONTHS],
        "months": [
            {"name": name, "days": days, "season": season, "namedAfter": deity}
            for name, days, season, deity in MONTHS
        ],
        "weekdays": [{"name": name, "custom": custom} for name, custom in WEEKDAYS],
        "hoursPerDay": 24,
        "leapYear": {"month": "Calistril", "extraDays": 1, "rule": "gregorian"},
        "epoch": "4700-01-01T00:00:00Z",
        "epochEvent": "The founding of Absalom by Aroden, year 1 AR",
        "notes": (
            "World times are stored as UTC date-times whose calendar date reads directly as the"
            " Absalom Reckoning date: 2 Gozran 4710 AR is 4710-04-02."
        ),
    },
    {
        "id": "imperial-calendar",
        "name": "Imperial Calendar (Cheliax)",
        "abbreviation": "IC",
        "monthsPerYear": len(MONTHS),
        "daysPerMonth": [days for _, days, _, _ in MONTHS],
        "monthNames": [name for name, _, _, _ in MONTHS],
        "yearOffset": -4070,
        "epoch": "4071-01-01T00:00:00Z",
        "epochEvent": "The founding of the Chelish empire, year 1 IC",
        "notes": "Same months and weekdays as Absalom Reckoning; year IC = year AR - 4070.",
    },
]

# (entity type, field, expression, priority): type-wide computed fields of the demo.
SETTLEMENT_RULES: list[tuple[str, str, Any, int]] = [
    (
        "settlement",
        "is_trade_hub",
        {
            "and": [
                {">=": [{"var": "settlement.level"}, 3]},
                {">=": [{"var": "settlement.structures.byType.market"}, 1]},
            ]
        },
        0,
    ),
    (
        "settlement",
        "tax_income",
        {"round": [{"*": [{"var": "settlement.variables.population"}, {"var": "var.tax_rate"}]}]},
        0,
    ),
    ("settlement", "title", {"cat": ["Town of ", {"var": "settlement.name"}]}, 0),
    ("structure", "upkeep", {"*": [{"var": "structure.level"}, 100]}, 0),
]

SETTLEMENT_SCHEMAS = [
    {"name": "population", "type": "number", "required": True, "description": "Inhabitants"},
    {
        "name": "prosperity",
        "type": "enum",
        "enumValues": ["poor", "modest", "comfortable", "wealthy"],
        "defaultValue": "modest",
    },
    {"name": "has_walls", "type": "boolean", "defaultValue": False},
    {"name": "patron_deity", "type": "string"},
]
KINGDOM_SCHEMAS = [
    {"name": "treasury", "type": "number", "required": True, "defaultValue": 0},
    {"name": "stability", "type": "enum", "enumValues": ["unrest", "stable", "prosperous"]},
    {"name": "ruler", "type": "string"},
]
STRUCTURE_SCHEMAS = [
    {
        "name": "condition",
        "type": "enum",
        "enumValues": ["ruined", "damaged", "sound", "excellent"],
        "defaultValue": "sound",
    },
    {"name": "capacity", "type": "number"},
]
CHARACTER_SCHEMAS = [
    {"name": "hit_points", "type": "number"},
    {
        "name": "alignment",
        "type": "enum",
        "enumValues": ["LG", "NG", "CG", "LN", "N", "CN", "LE", "NE", "CE"],
    },
]
PARTY_SCHEMAS = [{"name": "gold", "type": "number", "defaultValue": 0}]


# The demo's map is drawn in planar map units; it is seeded as longitude/latitude degrees so that
# a web map shows it (they clip latitudes beyond ±85). The API itself keeps accepting planar units.
DEGREES_PER_MAP_UNIT = 0.4


def lon_lat(x: float, y: float) -> list[float]:
    """A point of the demo's map in degrees: within ±54° longitude and ±44° latitude."""
    return [round(x * DEGREES_PER_MAP_UNIT, 6), round(y * DEGREES_PER_MAP_UNIT, 6)]


@dataclass(frozen=True)
class SettlementSpec:
    name: str
    point: tuple[float, float]
    level: int
    variables: dict[str, Any]
    structures: list[tuple[str, str, int, dict[str, Any]]]


@dataclass(frozen=True)
class KingdomSpec:
    name: str
    level: int
    variables: dict[str, Any]
    region: list[list[float]]
    settlements: list[SettlementSpec] = field(default_factory=list)


KINGDOMS = [
    KingdomSpec(
        name="Brevoy",
        level=6,
        variables={"treasury": 12500, "stability": "stable", "ruler": "King Noleski Surtova"},
        region=[[0, 0], [60, -5], [125, 5], [130, 80], [60, 95], [-5, 70], [0, 0]],
        settlements=[
            SettlementSpec(
                "Restov",
                (40, 30),
                5,
                {
                    "population": 17210,
                    "prosperity": "comfortable",
                    "has_walls": True,
                    "patron_deity": "Erastil",
                },
                [
                    ("temple", "Temple of Erastil", 2, {"capacity": 200}),
                    ("market", "Restov Grand Market", 3, {"condition": "excellent"}),
                    ("barracks", "Aldori Dueling Academy", 3, {"capacity": 80}),
                    ("library", "Restov Archive", 1, {}),
                ],
            ),
            SettlementSpec(
                "New Stetven",
                (90, 60),
                7,
                {"population": 31000, "prosperity": "wealthy", "has_walls": True},
                [
                    ("temple", "Cathedral of Abadar", 4, {"capacity": 600}),
                    ("market", "Stetven Exchange", 3, {}),
                    ("barracks", "Surtova Garrison", 2, {"capacity": 400}),
                ],
            ),
        ],
    ),
    KingdomSpec(
        name="Pitax",
        level=4,
        variables={"treasury": 8200, "stability": "unrest", "ruler": "Castruccio Irovetti"},
        region=[[-135, 5], [-70, -5], [-10, 5], [-10, 90], [-80, 95], [-130, 70], [-135, 5]],
        settlements=[
            SettlementSpec(
                "Pitax",
                (-70, 40),
                4,
                {"population": 11000, "prosperity": "modest", "patron_deity": "Shelyn"},
                [
                    ("market", "Bazaar of Pitax", 2, {}),
                    ("library", "Academy of Grand Arts", 3, {"capacity": 120}),
                    ("barracks", "Irovetti's Guard", 2, {"condition": "damaged"}),
                ],
            ),
            SettlementSpec(
                "Tatzlford",
                (-40, 70),
                2,
                {"population": 1200, "prosperity": "poor"},
                [
                    ("temple", "Shrine of Erastil", 1, {}),
                    ("market", "Riverside Market", 1, {"condition": "damaged"}),
                ],
            ),
        ],
    ),
    KingdomSpec(
        name="Mivon",
        level=5,
        variables={"treasury": 9700, "stability": "prosperous", "ruler": "The Mivoni Council"},
        region=[[0, -100], [70, -110], [125, -95], [120, -15], [60, -10], [5, -20], [0, -100]],
        settlements=[
            SettlementSpec(
                "Mivon",
                (50, -50),
                5,
                {"population": 14800, "prosperity": "comfortable", "has_walls": True},
                [
                    ("barracks", "Mivon Garrison", 3, {"capacity": 350}),
                    ("temple", "Temple of Gorum", 2, {}),
                    ("market", "Mivon Trade Hall", 2, {}),
                ],
            ),
            SettlementSpec(
                "Daggermark",
                (95, -35),
                3,
                {"population": 4600, "prosperity": "modest", "patron_deity": "Norgorber"},
                [
                    ("library", "Poisoners' Guild Archive", 2, {"condition": "excellent"}),
                    ("market", "Daggermark Market", 1, {}),
                    ("temple", "Shrine of Norgorber", 1, {}),
                ],
            ),
        ],
    ),
]

# (name, race, class, level, is_npc, variables); the player characters form the party.
CHARACTERS = [
    ("Amiri", "Human", "Barbarian", 3, False, {"hit_points": 38, "alignment": "CN"}),
    ("Valeros", "Human", "Fighter", 3, False, {"hit_points": 34, "alignment": "NG"}),
    ("Seoni", "Human", "Sorcerer", 3, False, {"hit_points": 19, "alignment": "LN"}),
    ("Kyra", "Human", "Cleric", 3, False, {"hit_points": 24, "alignment": "NG"}),
    ("Jamandi Aldori", "Human", "Swordlord", 12, True, {"alignment": "LN"}),
    ("Oleg Leveton", "Human", "Expert", 4, True, {"hit_points": 26, "alignment": "NG"}),
    ("Svetlana Leveton", "Human", "Expert", 3, True, {"alignment": "LG"}),
    ("Castruccio Irovetti", "Human", "Bard", 10, True, {"alignment": "NE"}),
    ("Kressle", "Half-orc", "Rogue", 4, True, {"hit_points": 30, "alignment": "CE"}),
]

Step = Callable[[str], None]


@dataclass
class Seeder:
    """Creates the demo campaign through the actions, reporting a line per step."""

    actor: Actor
    step: Step
    world: World | None = None
    campaign: Campaign | None = None
    places: dict[str, Location] = field(default_factory=dict)
    settlements: dict[str, Settlement] = field(default_factory=dict)
    characters: dict[str, Character] = field(default_factory=dict)
    events: dict[str, Event] = field(default_factory=dict)
    encounters: dict[str, Encounter] = field(default_factory=dict)

    def run(self, members: list[tuple[User, Role]]) -> Campaign:
        self.world = worlds.create_world(
            self.actor,
            data={
                "name": DEMO_WORLD_NAME,
                "calendars": CALENDARS,
                "settings": {"defaultCalendar": "absalom-reckoning", "mapUnits": "miles"},
            },
        )
        self.step(f"World {self.world.name!r} with the Absalom Reckoning and Imperial calendars")
        self.campaign = campaigns.create_campaign(
            self.actor,
            world_id=self.world.pk,
            data={
                "name": DEMO_CAMPAIGN_NAME,
                "settings": {"calendar": "absalom-reckoning", "tone": "sandbox exploration"},
            },
            current_world_time=START,
        )
        self.step(f"Campaign {self.campaign.name!r}, world time 15 Pharast 4710 AR")
        for user, role in members:
            campaigns.add_member(
                self.actor, campaign_id=self.campaign.pk, user_id=user.pk, role=role
            )
            self.step(f"Member {user.email} as {role}")
        self._places()
        for spec in KINGDOMS:
            self._kingdom(spec)
        self._characters()
        self._events()
        self._links()
        self._growth()
        self._rules()
        return self.campaign

    def _location(self, name: str, type_: str, geometry: dict[str, Any], **data: Any) -> Location:
        assert self.world is not None
        location = locations.create_location(
            self.actor,
            world_id=self.world.pk,
            data={"name": name, "type": type_, "geometry": geometry, **data},
        )
        self.places[name] = location
        return location

    def _places(self) -> None:
        for spec in KINGDOMS:
            self._location(
                f"{spec.name} (region)",
                "region",
                {"type": "Polygon", "coordinates": [[lon_lat(x, y) for x, y in spec.region]]},
                description=f"The lands held by {spec.name}.",
            )
        for name, point, region in (
            ("Oleg's Trading Post", [10, 10], "Brevoy (region)"),
            ("The Stag Lord's Fort", [-25, 20], "Pitax (region)"),
        ):
            self._location(
                name,
                "point",
                {"type": "Point", "coordinates": lon_lat(*point)},
                parent_id=str(self.places[region].pk),
            )
        self.step("Locations: 3 regions (polygons) and 2 points of interest")

    def _kingdom(self, spec: KingdomSpec) -> None:
        assert self.campaign is not None
        kingdom = kingdoms.create_kingdom(
            self.actor,
            campaign_id=self.campaign.pk,
            data={
                "name": spec.name,
                "level": spec.level,
                "variable_schemas": KINGDOM_SCHEMAS,
                "variables": spec.variables,
            },
        )
        region = self.places[f"{spec.name} (region)"]
        built = 0
        for item in spec.settlements:
            point = self._location(
                item.name,
                "point",
                {"type": "Point", "coordinates": lon_lat(*item.point)},
                parent_id=str(region.pk),
            )
            settlement = settlements.create_settlement(
                self.actor,
                kingdom_id=kingdom.uid,
                data={
                    "name": item.name,
                    "level": item.level,
                    "location_id": str(point.pk),
                    "variable_schemas": SETTLEMENT_SCHEMAS,
                    "variables": item.variables,
                },
            )
            self.settlements[item.name] = settlement
            x, y = item.point
            for index, (type_, name, level, variables) in enumerate(item.structures):
                # Structures stand around their settlement, a map unit or so apart.
                lon, lat = lon_lat(x + 1.5 * (index % 2) - 0.5, y + 1.0 * (index // 2) - 0.5)
                structures.create_structure(
                    self.actor,
                    settlement_id=settlement.uid,
                    data={
                        "type": type_,
                        "name": name,
                        "level": level,
                        "x": lon,
                        "y": lat,
                        "orientation": 90.0 * index,
                        "variable_schemas": STRUCTURE_SCHEMAS,
                        "variables": variables,
                    },
                )
                built += 1
        self.step(f"Kingdom {spec.name}: {len(spec.settlements)} settlements, {built} structures")

    def _characters(self) -> None:
        assert self.campaign is not None
        party = parties.create_party(
            self.actor,
            campaign_id=self.campaign.pk,
            data={
                "name": "The Swordlord's Charter",
                "average_level": 3,
                "variable_schemas": PARTY_SCHEMAS,
                "variables": {"gold": 650},
            },
        )
        for name, race, class_, level, is_npc, variables in CHARACTERS:
            character = characters.create_character(
                self.actor,
                campaign_id=self.campaign.pk,
                data={
                    "name": name,
                    "race": race,
                    "character_class": class_,
                    "level": level,
                    "is_npc": is_npc,
                    "variable_schemas": CHARACTER_SCHEMAS,
                    "variables": variables,
                },
            )
            self.characters[name] = character
            if not is_npc:
                parties.add_member(self.actor, party_id=party.uid, character_id=character.uid)
        pcs = sum(1 for c in CHARACTERS if not c[4])
        self.step(
            f"Party {party.name!r} with {pcs} player characters;"
            f" {len(CHARACTERS) - pcs} non-player characters"
        )

    def _events(self) -> None:
        assert self.campaign is not None
        day = datetime.timedelta(days=1)
        for name, event_type, when, place, extra in (
            (
                "Charter granted in Restov",
                "story",
                START - 5 * day,
                "Restov",
                {"is_completed": True, "occurred_at": START - 5 * day},
            ),
            (
                "Bandit raid on Oleg's Trading Post",
                "party",
                START + 2 * day,
                "Oleg's Trading Post",
                {},
            ),
            ("Harvest festival in New Stetven", "kingdom", START + 20 * day, "New Stetven", {}),
            ("Spring floods along the Sellen", "world", START + 45 * day, None, {}),
            ("Rushlight Tournament", "kingdom", START + 60 * day, "Pitax", {}),
        ):
            self.events[name] = events.create_event(
                self.actor,
                campaign_id=self.campaign.pk,
                data={
                    "name": name,
                    "event_type": event_type,
                    "scheduled_at": when,
                    "location_id": str(self.places[place].pk) if place else None,
                    "description": f"{name} ({event_type} event).",
                    **extra,
                },
            )
        for name, difficulty, when, place in (
            ("Kressle's ambush", 3, START + 3 * day, "Oleg's Trading Post"),
            ("Tatzlwyrm at the ford", 4, START + 7 * day, "Tatzlford"),
            ("Storming the Stag Lord's Fort", 6, START + 14 * day, "The Stag Lord's Fort"),
        ):
            self.encounters[name] = events.create_encounter(
                self.actor,
                campaign_id=self.campaign.pk,
                data={
                    "name": name,
                    "difficulty": difficulty,
                    "scheduled_at": when,
                    "location_id": str(self.places[place].pk),
                    "variables": {"xp_award": difficulty * 400},
                },
            )
        self.step(f"{len(self.events)} events of 4 types and {len(self.encounters)} encounters")

    def _links(self) -> None:
        assert self.campaign is not None

        def end(name: str) -> tuple[str, str]:
            if name in self.events:
                return "event", str(self.events[name].uid)
            return "encounter", str(self.encounters[name].uid)

        for source, target, link_type in (
            ("Charter granted in Restov", "Bandit raid on Oleg's Trading Post", "related"),
            ("Bandit raid on Oleg's Trading Post", "Kressle's ambush", "triggers"),
            ("Kressle's ambush", "Storming the Stag Lord's Fort", "prerequisite"),
            ("Storming the Stag Lord's Fort", "Rushlight Tournament", "blocks"),
        ):
            source_type, source_id = end(source)
            target_type, target_id = end(target)
            links.create_link(
                self.actor,
                campaign_id=self.campaign.pk,
                data={
                    "source_type": source_type,
                    "source_id": source_id,
                    "target_type": target_type,
                    "target_id": target_id,
                    "link_type": link_type,
                },
            )
        self.step("4 links between events and encounters")

    def _growth(self) -> None:
        """A little history: Tatzlford grows a level, with a version and a level change."""
        tatzlford = self.settlements["Tatzlford"]
        entities.set_level(self.actor, instance=tatzlford, level=tatzlford.level + 1)
        self.step("History: Tatzlford grew to level 3")

    def _rules(self) -> None:
        """State variables, computed fields and an effect, so the rules engine has work."""
        assert self.campaign is not None
        campaign_id = str(self.campaign.pk)
        for key, kind, value, formula in (
            ("tax_rate", "float", 0.12, None),
            ("base_treasury", "integer", 5000, None),
            ("war_chest", "derived", None, {"*": [{"var": "var.base_treasury"}, 2]}),
        ):
            rules.create_state_variable(
                self.actor,
                data={
                    "scope": "campaign",
                    "scope_id": campaign_id,
                    "key": key,
                    "type": kind,
                    "value": value,
                    "formula": formula,
                },
            )
        for entity_type, field_name, expression, priority in SETTLEMENT_RULES:
            rules.create_field_condition(
                self.actor,
                data={
                    "entity_type": entity_type,
                    "campaign_id": campaign_id,
                    "field": field_name,
                    "expression": expression,
                    "priority": priority,
                },
            )
        rules.create_field_condition(
            self.actor,
            data={
                "entity_type": "settlement",
                "entity_id": str(self.settlements["Restov"].uid),
                "field": "title",
                "expression": "Capital of Brevoy",
                "priority": 10,
            },
        )
        festival = self.events["Harvest festival in New Stetven"]
        rules.create_effect(
            self.actor,
            data={
                "entity_type": "event",
                "entity_id": str(festival.uid),
                "name": "Festival boom",
                "description": "A good harvest brings people to the city.",
                "target_type": "settlement",
                "target_id": str(self.settlements["New Stetven"].uid),
                "payload": [{"op": "replace", "path": "/variables/prosperity", "value": "wealthy"}],
            },
        )
        self.step(
            f"Rules: 3 state variables, {len(SETTLEMENT_RULES) + 1} computed-field conditions,"
            " 1 effect"
        )


def demo_world(owner: User | None) -> World | None:
    if owner is None:
        return None
    return World.objects.filter(name=DEMO_WORLD_NAME, owner=owner).first()


def remove_demo(actor: Actor, world: World) -> None:
    """Soft-delete the demo (its campaigns, then the world with its map) through the actions."""
    for campaign in Campaign.objects.filter(world=world):
        campaigns.delete_campaign(actor, campaign_id=campaign.pk)
    worlds.delete_world(actor, world_id=world.pk)


class Command(BaseCommand):
    help = "Seed a demo world and campaign through the actions (versioned and audited)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--email", default=DEFAULT_OWNER_EMAIL, help="The demo GM's email.")
        parser.add_argument(
            "--password",
            help="Password for new demo users (default: a generated one, printed).",
        )
        parser.add_argument(
            "--reset",
            action="store_true",
            help="Soft-delete an existing demo and seed it again.",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        email = User.objects.normalize_email(options["email"]).lower()
        owner = User.objects.filter(email__iexact=email).first()
        existing = demo_world(owner)
        if existing is not None and not options["reset"]:
            self.stdout.write(
                f"The demo already exists (world {DEMO_WORLD_NAME!r} of {email}); nothing to do."
                " Use --reset to seed it again."
            )
            return
        password = options["password"] or secrets.token_urlsafe(12)
        with transaction.atomic():
            users = {
                address: self._user(address, password, name)
                for address, name in (
                    (email, "Demo GM"),
                    (PLAYER_EMAIL, "Demo Player"),
                    (VIEWER_EMAIL, "Demo Viewer"),
                )
            }
            actor = Actor(users[email][0], reason="seed_demo", metadata={"source": "seed_demo"})
            if existing is not None:
                remove_demo(actor, existing)
                self.stdout.write(f"Removed the previous demo (world {existing.pk})")
            members = [
                (users[address][0], role)
                for address, role in ((PLAYER_EMAIL, Role.PLAYER), (VIEWER_EMAIL, Role.VIEWER))
                if address != email
            ]
            campaign = Seeder(actor, self.stdout.write).run(members)
        self.stdout.write(self.style.SUCCESS(f"Demo campaign {campaign.name!r} is ready."))
        for address, (_, created) in users.items():
            secret = password if created else "(existing user, password unchanged)"
            self.stdout.write(f"  sign in as {address} / {secret}")

    def _user(self, email: str, password: str, name: str) -> tuple[User, bool]:
        user = User.objects.filter(email__iexact=email).first()
        if user is not None:
            self.stdout.write(f"User {email} already exists")
            return user, False
        user = User.objects.create_user(email, password, name=name)
        self.stdout.write(f"User {email} created")
        return user, True
