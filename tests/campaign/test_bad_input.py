"""Bad input is a clear error naming the field, and nothing is written."""

from typing import Any

import pytest

from campaign.actions import (
    characters,
    entities,
    kingdoms,
    links,
    locations,
    settlements,
    structures,
)
from campaign.models import AuditLog, Campaign, Kingdom, Version
from kernel.actor import Actor
from kernel.errors import NotFound, ValidationError
from tests import builders


@pytest.fixture
def counts() -> Any:
    def snapshot() -> tuple[int, int]:
        return Version.objects.count(), AuditLog.objects.count()

    return snapshot


def test_invalid_variable_value_names_the_variable(
    owner: Actor, campaign: Campaign, counts: Any
) -> None:
    kingdom = builders.kingdom(owner, campaign)
    place = builders.point(owner, campaign)
    before = counts()

    with pytest.raises(ValidationError) as error:
        builders.settlement(
            owner,
            kingdom,
            location=place,
            variable_schemas=[{"name": "population", "type": "number"}],
            variables={"population": "lots"},
        )

    assert error.value.field == "variables.population"
    assert "must be a number" in error.value.message
    assert counts() == before


def test_undeclared_variable_is_refused(owner: Actor, campaign: Campaign) -> None:
    kingdom = builders.kingdom(
        owner, campaign, variable_schemas=[{"name": "treasury", "type": "number"}]
    )

    with pytest.raises(ValidationError) as error:
        entities.set_variable(owner, instance=kingdom, name="gold", value=5)

    assert error.value.field == "name"


def test_required_variable_without_value_is_refused(owner: Actor, campaign: Campaign) -> None:
    with pytest.raises(ValidationError) as error:
        builders.kingdom(
            owner,
            campaign,
            variable_schemas=[{"name": "ruler", "type": "string", "required": True}],
        )

    assert error.value.field == "variables.ruler"
    assert not Kingdom.objects.exists()


def test_bad_schema_definition_names_the_key(owner: Actor, campaign: Campaign) -> None:
    kingdom = builders.kingdom(owner, campaign)

    with pytest.raises(ValidationError) as error:
        entities.define_variable_schema(
            owner, instance=kingdom, definition={"name": "x", "type": "date"}
        )

    assert error.value.field == "schema.type"


def test_unknown_parent_kingdom_is_not_found(owner: Actor, campaign: Campaign) -> None:
    with pytest.raises(NotFound):
        settlements.create_settlement(
            owner,
            kingdom_id="7b0f1d0e-0000-4000-8000-000000000000",
            data={"name": "Nowhere", "location_id": str(builders.point(owner, campaign).pk)},
        )


def test_malformed_id_names_the_field(owner: Actor, campaign: Campaign) -> None:
    with pytest.raises(ValidationError) as error:
        structures.create_structure(
            owner, settlement_id="not-an-id", data={"name": "Hut", "type": "hut"}
        )

    assert error.value.field == "settlementId"


def test_unknown_party_is_a_bad_field(owner: Actor, campaign: Campaign) -> None:
    with pytest.raises(ValidationError) as error:
        characters.create_character(
            owner,
            campaign_id=campaign.pk,
            data={"name": "Amiri", "party_id": "7b0f1d0e-0000-4000-8000-000000000000"},
        )

    assert error.value.field == "partyId"


def test_location_of_another_world_is_refused(owner: Actor, campaign: Campaign, world: Any) -> None:
    from campaign.actions import worlds

    elsewhere = worlds.create_world(owner, data={"name": "Elsewhere"})
    foreign = locations.create_location(
        owner,
        world_id=elsewhere.pk,
        data={"type": "point", "geometry": {"type": "Point", "coordinates": [0, 0]}},
    )
    kingdom = builders.kingdom(owner, campaign)

    with pytest.raises(ValidationError) as error:
        builders.settlement(owner, kingdom, location=foreign)

    assert error.value.field == "locationId"


@pytest.mark.parametrize(
    ("level", "message"),
    [
        (11, "Settlement level must be between 1 and 10, but received 11"),
        (0, "Settlement level must be between 1 and 10, but received 0"),
        (2.5, "Level must be an integer, but received 2.5"),
        ("3", "Level must be an integer, but received '3'"),
    ],
)
def test_level_out_of_range_is_refused(
    owner: Actor, campaign: Campaign, counts: Any, level: Any, message: str
) -> None:
    settlement = builders.settlement(owner, builders.kingdom(owner, campaign))
    before = counts()

    with pytest.raises(ValidationError) as error:
        entities.set_level(owner, instance=settlement, level=level)

    assert error.value.message == message
    assert error.value.field == "level"
    assert counts() == before


def test_level_out_of_range_on_update_names_the_field(owner: Actor, campaign: Campaign) -> None:
    kingdom = builders.kingdom(owner, campaign)

    with pytest.raises(ValidationError) as error:
        kingdoms.update_kingdom(owner, kingdom_id=kingdom.uid, data={"level": 42})

    assert error.value.field == "level"


@pytest.mark.parametrize(
    "geometry",
    [
        "POINT(1 2)",
        {"type": "Circle", "coordinates": [0, 0]},
        {"type": "Point", "coordinates": "1,2"},
        {"type": "Point", "coordinates": [1]},
        {"type": "Polygon", "coordinates": [[[0, 0], [1, 0], [1, 1], [0, 1]]]},
        {"type": "Polygon", "coordinates": [[[0, 0], [1, 1], [1, 0], [0, 1], [0, 0]]]},
        {"type": "Point", "coordinates": [float("inf"), 0]},
    ],
)
def test_invalid_geometry_is_refused(
    owner: Actor, campaign: Campaign, counts: Any, geometry: Any
) -> None:
    before = counts()

    with pytest.raises(ValidationError) as error:
        locations.create_location(
            owner, world_id=campaign.world_id, data={"type": "region", "geometry": geometry}
        )

    assert error.value.field is not None
    assert error.value.field.startswith("geometry")
    assert counts() == before


def test_location_cannot_be_its_own_ancestor(owner: Actor, campaign: Campaign) -> None:
    outer = builders.point(owner, campaign)
    inner = locations.create_location(
        owner, world_id=campaign.world_id, data={"type": "point", "parent_id": str(outer.pk)}
    )

    with pytest.raises(ValidationError) as error:
        locations.update_location(owner, location_id=outer.pk, data={"parent_id": str(inner.pk)})

    assert error.value.field == "parentLocationId"


def test_blank_name_and_unknown_field_are_named(owner: Actor, campaign: Campaign) -> None:
    with pytest.raises(ValidationError) as blank:
        kingdoms.create_kingdom(owner, campaign_id=campaign.pk, data={"name": "   "})
    with pytest.raises(ValidationError) as unknown:
        kingdoms.create_kingdom(owner, campaign_id=campaign.pk, data={"name": "A", "crown": "gold"})

    assert blank.value.field == "name"
    assert unknown.value.field == "crown"


def test_duplicate_link_is_refused_until_the_first_is_deleted(
    owner: Actor, campaign: Campaign
) -> None:
    from campaign.actions import events

    event = events.create_event(
        owner, campaign_id=campaign.pk, data={"name": "Feast", "event_type": "story"}
    )
    encounter = events.create_encounter(owner, campaign_id=campaign.pk, data={"name": "Bandits"})
    data = {
        "source_type": "event",
        "source_id": str(event.uid),
        "target_type": "encounter",
        "target_id": str(encounter.uid),
        "link_type": "triggers",
    }
    first = links.create_link(owner, campaign_id=campaign.pk, data=data)

    with pytest.raises(ValidationError):
        links.create_link(owner, campaign_id=campaign.pk, data=data)
    entities.soft_delete(owner, instance=first)
    again = links.create_link(owner, campaign_id=campaign.pk, data=data)

    assert again.uid != first.uid


@pytest.mark.parametrize(
    ("schemas", "variables", "field"),
    [
        ([], {"motto": "for\x00ever"}, "variables"),
        ([], {"bad\x00key": 1}, "variables"),
        ([{"name": "motto", "type": "string"}], {"motto": "for\x00ever"}, "variables"),
    ],
)
def test_variables_refuse_what_the_database_cannot_store(
    owner: Actor, campaign: Campaign, schemas: Any, variables: Any, field: str
) -> None:
    with pytest.raises(ValidationError) as error:
        builders.kingdom(owner, campaign, variable_schemas=schemas, variables=variables)

    assert error.value.field == field
    assert not Kingdom.objects.exists()


def test_setting_a_variable_refuses_what_the_database_cannot_store(
    owner: Actor, campaign: Campaign
) -> None:
    kingdom = builders.kingdom(owner, campaign)

    with pytest.raises(ValidationError) as error:
        entities.set_variable(owner, instance=kingdom, name="motto", value="for\x00ever")

    assert error.value.field == "variables"
    assert Kingdom.objects.get(pk=kingdom.pk).variables == {}
