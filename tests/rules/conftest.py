"""Fixtures of the rules tests: the scene of ``tests/builders.py``."""

import pytest

from campaign.models import Campaign
from kernel.actor import Actor
from tests.builders import Scene, build_scene


@pytest.fixture
def scene(owner: Actor, campaign: Campaign) -> Scene:
    return build_scene(owner, campaign)
