"""Every caching test counts from zero, and most read one kingdom: Brevoy, with Restov (and
some a fork of its campaign); ``tables_read`` says what a request read from the database."""

from typing import Any

import pytest
from django.test.utils import CaptureQueriesContext

from campaign.actions import branches
from campaign.models import Branch, Campaign, Kingdom
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


@pytest.fixture
def fork(owner: Actor, kingdom: Kingdom, django_capture_on_commit_callbacks: Any) -> Branch:
    """A fork of Brevoy's campaign (its ``parent`` is the main branch)."""
    main = Branch.objects.get(campaign=kingdom.branch.campaign, parent__isnull=True)
    with django_capture_on_commit_callbacks(execute=True):
        forked, _ = branches.fork_branch(
            owner,
            source_branch_id=main.pk,
            data={"name": "What if", "world_time": "2025-01-02T00:00:00Z"},
        )
    return forked


def tables_read(queries: CaptureQueriesContext) -> set[str]:
    """The tables the captured statements read from."""
    return {q["sql"].split(" FROM ")[1].split()[0].strip('"') for q in queries.captured_queries}
