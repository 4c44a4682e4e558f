"""Fixtures of the scheduler tests: a campaign in a world with the original's seed calendar."""

import datetime
from collections.abc import Iterator

import pytest

from campaign.actions import campaigns, worlds
from campaign.models import Campaign, Role
from config.celery import app as celery_app
from tests.calendar_data import ABSALOM_RECKONING
from tests.conftest import Personas

# 1 Abadius 4707 at noon in the Absalom Reckoning, which has no leap years: seven years of 365 days
# after its epoch (4706-12-31 in the proleptic Gregorian calendar, which had 4704 as a leap year).
START = datetime.datetime(4700, 1, 1, 12, tzinfo=datetime.UTC) + datetime.timedelta(days=7 * 365)
DAY = datetime.timedelta(days=1)


@pytest.fixture
def golarion(personas: Personas) -> Campaign:
    """A campaign whose clock reads 1 Abadius 4707 at noon, with a GM, a player and a viewer."""
    owner = personas.actor("owner")
    world = worlds.create_world(
        owner, data={"name": "Golarion", "calendars": {"calendars": [ABSALOM_RECKONING]}}
    )
    campaign = campaigns.create_campaign(
        owner, world_id=world.pk, data={"name": "Kingmaker"}, current_world_time=START
    )
    for name, role in (("gm", Role.GM), ("player", Role.PLAYER), ("viewer", Role.VIEWER)):
        campaigns.add_member(
            owner, campaign_id=campaign.pk, user_id=getattr(personas, name).pk, role=role
        )
    return campaign


@pytest.fixture
def eager() -> Iterator[None]:
    """Tasks run in-process, as on the embedded default (PostgreSQL runs send them to a broker)."""
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = previous
