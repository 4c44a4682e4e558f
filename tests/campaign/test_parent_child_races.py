"""A delete of a parent and a create (or move) of a child under it, sent at the same moment, never
leave a live child under a deleted parent: either the create is refused as if the parent were
missing, or the child is made first and the delete's cascade takes it along.

Each test runs many rounds of one deleter racing one or more creators (``tests/campaign/races.py``).
On PostgreSQL the two serialize on row locks (READ COMMITTED); on SQLite on the database's write
lock (transactions begin IMMEDIATE).
"""

from collections.abc import Callable
from functools import partial
from typing import Any

import pytest

from campaign.actions import (
    branches,
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
    Branch,
    Campaign,
    Character,
    Encounter,
    Event,
    Kingdom,
    Link,
    Location,
    Party,
    Settlement,
    Structure,
    World,
)
from campaign.permissions import MANAGE, WRITE
from kernel.actor import Actor
from kernel.errors import DomainError, NotFound, ValidationError
from kernel.snapshots import public_id
from rules import actions as rules
from rules.models import Condition, Effect, FieldCondition, StateVariable
from tests import builders
from tests.campaign.races import Round, on_each_database, race

pytestmark = pytest.mark.django_db(transaction=True)


def delete(actor: Actor, kind: str, row: Any) -> Callable[[], Any]:
    """The delete mutation: load as the owner, then the cascading soft delete."""
    return lambda: entities.soft_delete(
        actor, instance=entities.load(actor, kind, public_id(row), minimum=MANAGE)
    )


def restore(actor: Actor, kind: str, row: Any) -> Callable[[], Any]:
    """The restore mutation (un-archive)."""
    return lambda: entities.restore(
        actor, instance=entities.load(actor, kind, public_id(row), minimum=WRITE)
    )


def join(actor: Actor, party: Party, character: Character) -> Character:
    """The addPartyMember mutation, answering with the character that joined."""
    parties.add_member(actor, party_id=party.uid, character_id=character.uid)
    return character


def deleted(row: Any) -> bool:
    return row.deleted_at is not None


def assert_deleted(results: list[list[Any]]) -> None:
    """Every round's delete (the first call) went through."""
    for first, *_ in results:
        assert not isinstance(first, BaseException), repr(first)
        assert deleted(first)


def refused_or_taken_along(
    result: Any, error: type[DomainError], field: str, gone: Callable[[Any], bool]
) -> None:
    """A create that lost the race was refused as for a missing parent (``error`` naming
    ``field``); one that won made a row the delete then took along (``gone``)."""
    if isinstance(result, BaseException):
        assert type(result) is error, repr(result)
        assert result.extensions["field"] == field
    else:
        current = type(result)._base_manager.get(pk=result.pk)
        assert gone(current), f"{current!r} outlived the delete of its parent"


def refused_as_gone_or_taken_along(result: Any) -> None:
    """A write to a row the delete of its parent takes along: refused NOT_FOUND once it is
    gone (when loaded, for the ``id``; when locked, for the row itself), else taken along."""
    if isinstance(result, BaseException):
        assert type(result) is NotFound, repr(result)
        assert result.extensions.get("field") in ("id", None)
    else:
        assert deleted(type(result)._base_manager.get(pk=result.pk))


@on_each_database()
def test_a_kingdom_deleted_while_things_are_made_in_it_takes_them_along(
    shared_database: None, owner: Actor, campaign: Campaign, rounds: int
) -> None:
    plans: list[Round] = []
    for _ in range(rounds):
        kingdom = builders.kingdom(owner, campaign)
        place = builders.point(owner, campaign)
        archived = entities.archive(owner, instance=builders.settlement(owner, kingdom))
        plans.append(
            [
                delete(owner, "kingdom", kingdom),
                partial(
                    settlements.create_settlement,
                    owner,
                    kingdom_id=kingdom.uid,
                    data={"name": "Tuskwater", "location_id": str(place.pk)},
                ),
                partial(
                    rules.create_field_condition,
                    owner,
                    data={
                        "entity_type": "kingdom",
                        "entity_id": str(kingdom.uid),
                        "field": "x",
                        "expression": 1,
                    },
                ),
                partial(
                    rules.create_state_variable,
                    owner,
                    data={
                        "scope": "kingdom",
                        "scope_id": str(kingdom.uid),
                        "type": "integer",
                        "key": "unrest",
                        "value": 1,
                    },
                ),
                restore(owner, "settlement", archived),
            ]
        )

    results = race(plans)

    assert_deleted(results)
    for _, settlement, condition, variable, restored in results:
        refused_or_taken_along(settlement, NotFound, "kingdomId", deleted)
        refused_or_taken_along(condition, NotFound, "entityId", deleted)
        refused_or_taken_along(variable, NotFound, "scopeId", deleted)
        refused_as_gone_or_taken_along(restored)
    assert not Settlement.objects.filter(kingdom__deleted_at__isnull=False).exists()
    dead = Kingdom.all_objects.filter(deleted_at__isnull=False).values("uid")
    assert not FieldCondition.objects.filter(target_uid__in=dead).exists()
    assert not StateVariable.objects.filter(scope_uid__in=dead).exists()


@on_each_database()
def test_a_settlement_deleted_while_a_structure_is_built_in_it_takes_the_structure_along(
    shared_database: None, owner: Actor, campaign: Campaign, rounds: int
) -> None:
    kingdom = builders.kingdom(owner, campaign)
    plans: list[Round] = []
    for _ in range(rounds):
        settlement = builders.settlement(owner, kingdom)
        plans.append(
            [
                delete(owner, "settlement", settlement),
                partial(
                    structures.create_structure,
                    owner,
                    settlement_id=settlement.uid,
                    data={"name": "Shrine", "type": "temple"},
                ),
            ]
        )

    results = race(plans)

    assert_deleted(results)
    for _, structure in results:
        refused_or_taken_along(structure, NotFound, "settlementId", deleted)
    assert not Structure.objects.filter(settlement__deleted_at__isnull=False).exists()


def campaign_children(owner: Actor, campaign: Campaign) -> list[tuple[str, Callable[[], Any]]]:
    """A create of each kind of row that lives directly in a campaign, with the input field
    that names the campaign."""
    first, second = (
        events.create_event(
            owner, campaign_id=campaign.pk, data={"name": name, "event_type": "story"}
        )
        for name in ("Coronation", "Feast")
    )
    named = {"name": "Oleg"}
    link = {
        "source_type": "event",
        "source_id": str(first.uid),
        "target_type": "event",
        "target_id": str(second.uid),
        "link_type": "triggers",
    }
    type_wide = {
        "entity_type": "kingdom",
        "campaign_id": str(campaign.pk),
        "field": "x",
        "expression": 1,
    }
    variable = {
        "scope": "campaign",
        "scope_id": str(campaign.pk),
        "type": "integer",
        "key": "fame",
        "value": 1,
    }
    return [
        ("campaignId", partial(parties.create_party, owner, campaign_id=campaign.pk, data=named)),
        (
            "campaignId",
            partial(kingdoms.create_kingdom, owner, campaign_id=campaign.pk, data=named),
        ),
        (
            "campaignId",
            partial(characters.create_character, owner, campaign_id=campaign.pk, data=named),
        ),
        (
            "campaignId",
            partial(
                events.create_event,
                owner,
                campaign_id=campaign.pk,
                data={**named, "event_type": "story"},
            ),
        ),
        (
            "campaignId",
            partial(events.create_encounter, owner, campaign_id=campaign.pk, data=named),
        ),
        ("campaignId", partial(links.create_link, owner, campaign_id=campaign.pk, data=link)),
        ("campaignId", partial(rules.create_field_condition, owner, data=type_wide)),
        ("scopeId", partial(rules.create_state_variable, owner, data=variable)),
        (
            "campaignId",
            partial(
                branches.create_branch,
                owner,
                campaign_id=campaign.pk,
                parent_id=None,
                data={"name": "If"},
            ),
        ),
    ]


@on_each_database()
def test_a_campaign_deleted_while_every_kind_of_row_is_made_in_it_takes_them_all_along(
    shared_database: None, owner: Actor, world: World, rounds: int
) -> None:
    plans: list[Round] = []
    fields: list[str] = []
    for number in range(rounds):
        doomed = campaigns.create_campaign(
            owner, world_id=world.pk, data={"name": f"Doomed {number}"}
        )
        children = campaign_children(owner, doomed)
        fields = [field for field, _ in children]
        plans.append(
            [
                partial(campaigns.delete_campaign, owner, campaign_id=doomed.pk),
                *(make for _, make in children),
            ]
        )

    results = race(plans)

    assert_deleted(results)
    for _, *made in results:
        for field, result in zip(fields, made, strict=True):
            refused_or_taken_along(result, NotFound, field, deleted)
    dead = Campaign.all_objects.filter(deleted_at__isnull=False)
    assert dead.count() == rounds
    assert not Branch.objects.filter(campaign__in=dead).exists()
    for model in (Party, Kingdom, Character, Event, Encounter, Link):
        assert not model.objects.filter(branch__campaign__in=dead).exists(), model
    for rule in (FieldCondition, StateVariable, Effect, Condition):
        assert not rule.objects.filter(branch__campaign__in=dead).exists(), rule


@on_each_database(postgresql=20)
def test_a_party_deleted_while_characters_join_it_lets_them_all_go(
    shared_database: None, owner: Actor, campaign: Campaign, rounds: int
) -> None:
    plans: list[Round] = []
    for _ in range(rounds):
        party = parties.create_party(
            owner, campaign_id=campaign.pk, data={"name": "Stag Lord hunters"}
        )
        joining, moving = (
            characters.create_character(owner, campaign_id=campaign.pk, data={"name": name})
            for name in ("Amiri", "Valerie")
        )

        plans.append(
            [
                delete(owner, "party", party),
                partial(join, owner, party, joining),
                partial(
                    characters.create_character,
                    owner,
                    campaign_id=campaign.pk,
                    data={"name": "Harrim", "party_id": str(party.uid)},
                ),
                partial(
                    characters.update_character,
                    owner,
                    character_id=moving.uid,
                    data={"party_id": str(party.uid)},
                ),
            ]
        )

    results = race(plans)

    assert_deleted(results)

    def let_go(character: Character) -> bool:
        return character.party_id is None and not deleted(character)

    for _, added, created, moved in results:
        refused_or_taken_along(added, NotFound, "partyId", let_go)
        refused_or_taken_along(created, ValidationError, "partyId", let_go)
        refused_or_taken_along(moved, ValidationError, "partyId", let_go)
    assert not Character.objects.filter(party__deleted_at__isnull=False).exists()


@on_each_database(postgresql=20)
def test_an_event_deleted_while_links_and_rules_are_attached_to_it_takes_them_along(
    shared_database: None, owner: Actor, campaign: Campaign, rounds: int
) -> None:
    other = events.create_event(
        owner, campaign_id=campaign.pk, data={"name": "Feast", "event_type": "story"}
    )
    plans: list[Round] = []
    for _ in range(rounds):
        event = events.create_event(
            owner, campaign_id=campaign.pk, data={"name": "Duel", "event_type": "story"}
        )
        on_event = {"entity_type": "event", "entity_id": str(event.uid)}
        plans.append(
            [
                delete(owner, "event", event),
                partial(
                    links.create_link,
                    owner,
                    campaign_id=campaign.pk,
                    data={
                        "source_type": "event",
                        "source_id": str(other.uid),
                        "target_type": "event",
                        "target_id": str(event.uid),
                        "link_type": "triggers",
                    },
                ),
                partial(
                    rules.create_effect,
                    owner,
                    data={
                        **on_event,
                        "name": "Cheer",
                        "payload": [{"op": "add", "path": "/variables/cheer", "value": 1}],
                    },
                ),
                partial(
                    rules.create_condition,
                    owner,
                    data={**on_event, "name": "Only at noon", "expression": True},
                ),
            ]
        )

    results = race(plans)

    assert_deleted(results)
    for _, link, effect, condition in results:
        refused_or_taken_along(link, ValidationError, "targetId", deleted)
        refused_or_taken_along(effect, NotFound, "entityId", deleted)
        refused_or_taken_along(condition, NotFound, "entityId", deleted)
    assert not Link.objects.filter(target_event__deleted_at__isnull=False).exists()
    dead = Event.all_objects.filter(deleted_at__isnull=False).values("uid")
    assert not Effect.objects.filter(source_uid__in=dead).exists()
    assert not Condition.objects.filter(target_uid__in=dead).exists()


@on_each_database(postgresql=20)
def test_a_location_deleted_while_places_are_put_inside_it_takes_them_along(
    shared_database: None, owner: Actor, campaign: Campaign, rounds: int
) -> None:
    plans: list[Round] = []
    for _ in range(rounds):
        region, moving = builders.point(owner, campaign), builders.point(owner, campaign)
        plans.append(
            [
                delete(owner, "location", region),
                partial(
                    locations.create_location,
                    owner,
                    world_id=campaign.world_id,
                    data={"type": "point", "parent_id": str(region.pk)},
                ),
                partial(
                    locations.update_location,
                    owner,
                    location_id=moving.pk,
                    data={"parent_id": str(region.pk)},
                ),
            ]
        )

    results = race(plans)

    assert_deleted(results)
    for _, created, moved in results:
        refused_or_taken_along(created, ValidationError, "parentLocationId", deleted)
        refused_or_taken_along(moved, ValidationError, "parentLocationId", deleted)
    assert not Location.objects.filter(parent__deleted_at__isnull=False).exists()


@on_each_database(postgresql=20)
def test_a_branch_deleted_while_a_branch_is_forked_from_it_is_refused_or_never_orphans_it(
    shared_database: None, owner: Actor, campaign: Campaign, rounds: int
) -> None:
    plans: list[Round] = []
    for number in range(rounds):
        parent = branches.create_branch(
            owner, campaign_id=campaign.pk, parent_id=None, data={"name": f"Fork {number}"}
        )
        plans.append(
            [
                partial(branches.delete_branch, owner, branch_id=parent.pk),
                partial(
                    branches.create_branch,
                    owner,
                    campaign_id=campaign.pk,
                    parent_id=parent.pk,
                    data={"name": f"Fork {number} of a fork"},
                ),
            ]
        )

    results = race(plans)

    for deleted_parent, child in results:
        # One of the two goes first: a deleted parent is not found, a forked one not deleted.
        if isinstance(deleted_parent, BaseException):
            assert type(deleted_parent) is ValidationError, repr(deleted_parent)
            assert deleted_parent.message == "Delete this branch's child branches first"
            assert isinstance(child, Branch)
        else:
            assert type(child) is NotFound, repr(child)
            assert child.extensions == {"id": str(deleted_parent.pk), "field": "parentId"}
    assert not Branch.objects.filter(parent__deleted_at__isnull=False).exists()


@on_each_database(postgresql=20)
def test_a_world_deleted_while_a_campaign_is_started_in_it_is_refused_or_never_orphans_it(
    shared_database: None, owner: Actor, rounds: int
) -> None:
    plans: list[Round] = []
    for number in range(rounds):
        world = worlds.create_world(owner, data={"name": f"Golarion {number}", "calendars": []})
        plans.append(
            [
                partial(worlds.delete_world, owner, world_id=world.pk),
                partial(
                    campaigns.create_campaign, owner, world_id=world.pk, data={"name": "Kingmaker"}
                ),
            ]
        )

    results = race(plans)

    for deleted_world, started in results:
        if isinstance(deleted_world, BaseException):
            assert type(deleted_world) is ValidationError, repr(deleted_world)
            assert isinstance(started, Campaign)
        else:
            assert type(started) is NotFound, repr(started)
            assert started.extensions["field"] == "worldId"
    assert not Campaign.objects.filter(world__deleted_at__isnull=False).exists()


@on_each_database(postgresql=20)
def test_a_campaign_deleted_while_its_rows_are_edited_never_deadlocks(
    shared_database: None, owner: Actor, world: World, rounds: int
) -> None:
    # An edit holds its row and writes audit rows that refer to the campaign; the delete holds
    # the campaign and waits for the row. A lock on the campaign that blocked those references
    # (FOR UPDATE rather than FOR NO KEY UPDATE) would make the two wait on each other.
    plans: list[Round] = []
    for number in range(rounds):
        doomed = campaigns.create_campaign(
            owner, world_id=world.pk, data={"name": f"Doomed {number}"}
        )
        kingdom, party = (
            builders.kingdom(owner, doomed),
            parties.create_party(owner, campaign_id=doomed.pk, data={"name": "Stag Lord hunters"}),
        )
        plans.append(
            [
                partial(campaigns.delete_campaign, owner, campaign_id=doomed.pk),
                partial(
                    kingdoms.update_kingdom, owner, kingdom_id=kingdom.uid, data={"name": "Brevoy"}
                ),
                partial(
                    parties.update_party, owner, party_id=party.uid, data={"name": "Swordlords"}
                ),
            ]
        )

    results = race(plans)

    assert_deleted(results)
    for _, *edited in results:
        for result in edited:
            refused_as_gone_or_taken_along(result)
