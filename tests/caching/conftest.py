"""Every caching test counts from zero, and most read one kingdom: Brevoy, with Restov."""

from typing import Any

import pytest

from campaign.models import Campaign, Kingdom
from kernel import cache_stats
from kernel.actor import Actor
from tests import builders


@pytest.fixture(autouse=True)
def _from_zero() -> None:
    cache_stats.reset()


@pytest.fixture
def kingdom(owner: Actor, campaign: Campaign, django_capture_on_commit_callbacks: Any) -> Kingdom:
    with django_capture_on_commit_callbacks(execute=True):
        made = builders.kingdom(owner, campaign, name="Brevoy")
        builders.settlement(owner, made, name="Restov")
    return made
