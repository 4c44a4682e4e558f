"""Fixtures of the rules GraphQL tests (see ``graphql_support``)."""

import pytest
from django.test import Client

from campaign.models import Campaign
from kernel.actor import Actor
from tests.conftest import Personas
from tests.rules.graphql_support import Api, Scene, build_scene


@pytest.fixture
def api(client: Client, personas: Personas) -> Api:
    return Api(client, personas)


@pytest.fixture
def scene(owner: Actor, campaign: Campaign) -> Scene:
    return build_scene(owner, campaign)
