"""Fixtures of the rules GraphQL tests (see ``graphql_support``)."""

import pytest

from campaign.models import Campaign
from kernel.actor import Actor
from tests.rules.graphql_support import Scene, build_scene


@pytest.fixture
def scene(owner: Actor, campaign: Campaign) -> Scene:
    return build_scene(owner, campaign)
