"""``createWorld``/``updateWorld`` take ``calendars`` in the original's shapes and answer them in
its seed's shape, which its clients read as ``world.calendars.calendars[i]``."""

from typing import Any

import pytest

from campaign.models import World
from tests.calendar_data import ABSALOM_RECKONING, GALIFAR
from tests.conftest import Personas
from tests.graphql_client import GraphQLClient, error_of, ok

pytestmark = pytest.mark.django_db

CREATE = """mutation Create($input: CreateWorldInput!) {
  createWorld(input: $input) { id calendars } }"""
UPDATE = """mutation Update($id: ID!, $input: UpdateWorldInput!) {
  updateWorld(id: $id, input: $input) { id calendars version } }"""


@pytest.mark.parametrize(
    ("sent", "read"),
    [
        ({"calendars": [ABSALOM_RECKONING]}, [ABSALOM_RECKONING]),  # the original's seed
        ({}, []),  # the original's tests
        ([ABSALOM_RECKONING, GALIFAR], [ABSALOM_RECKONING, GALIFAR]),  # a plain list
    ],
)
def test_a_world_is_created_with_calendars_in_any_shape_of_the_original(
    gql: GraphQLClient, personas: Personas, sent: Any, read: list[dict[str, Any]]
) -> None:
    # when a client of the original creates a world
    data = ok(gql(CREATE, {"input": {"name": "Golarion", "calendars": sent}}, "owner"))

    # then it reads the calendars back as the original's seed has them
    calendars = data["createWorld"]["calendars"]
    assert calendars == {"calendars": read}
    assert [c["monthNames"][0] for c in calendars["calendars"]] == [
        c["monthNames"][0] for c in read
    ]
    # and one canonical form is stored
    assert World.objects.get(pk=data["createWorld"]["id"]).calendars == {"calendars": read}


def test_update_world_replaces_the_calendars(gql: GraphQLClient, personas: Personas) -> None:
    # given a world with one calendar
    world = ok(gql(CREATE, {"input": {"name": "Eberron", "calendars": [GALIFAR]}}, "owner"))
    world_id = world["createWorld"]["id"]

    # when its owner sends the seed shape
    sent = {"id": world_id, "input": {"calendars": {"calendars": [ABSALOM_RECKONING]}}}
    data = ok(gql(UPDATE, sent, "owner"))

    # then
    assert data["updateWorld"]["calendars"] == {"calendars": [ABSALOM_RECKONING]}
    assert data["updateWorld"]["version"] == 2


def test_a_calendar_whose_months_disagree_is_refused_naming_the_field(
    gql: GraphQLClient, personas: Personas
) -> None:
    # given a definition with eleven month lengths for twelve month names
    broken = {**ABSALOM_RECKONING, "daysPerMonth": [30] * 11}

    # when
    body = gql(CREATE, {"input": {"name": "Broken", "calendars": {"calendars": [broken]}}}, "owner")

    # then nothing is created, and the error names the field
    error = error_of(body)
    assert error["extensions"]["code"] == "BAD_REQUEST"
    assert error["extensions"]["field"] == "calendars[0].daysPerMonth"
    assert "11 entries but monthNames has 12" in error["message"]
    assert not World.objects.filter(name="Broken").exists()
