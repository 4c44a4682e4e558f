"""A transaction's generation bumps, made together once it commits (kernel/generations.py), on
the cache configured: Redis in one round trip, the local-memory cache key by key."""

import time
import uuid
from typing import Any

import pytest
from django.core.cache import cache
from django.db import transaction

from kernel import generations


def started(*names: str) -> list[str]:
    keys = [generations.key(name, uuid.uuid4()) for name in names]
    generations.start(keys)
    return keys


def bump_and_roll_back(key: str) -> None:
    with transaction.atomic():
        generations.bump_on_commit(key)
        raise RuntimeError


@pytest.mark.django_db
def test_a_transactions_bumps_are_made_once_each_when_it_commits(
    django_capture_on_commit_callbacks: Any,
) -> None:
    # Given two started generations
    a, b = started("a", "b")
    before = generations.current_many([a, b])

    # When a transaction bumps one twice and the other once
    with django_capture_on_commit_callbacks(execute=True), transaction.atomic():
        generations.bump_on_commit(a)
        generations.bump_on_commit(b, a)
        # Then nothing is bumped before it commits
        assert generations.current_many([a, b]) == before

    # And each is bumped once after
    assert generations.current_many([a, b]) == [before[0] + 1, before[1] + 1]


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_transactions_bumps_are_never_made() -> None:
    # Given two started generations, and a transaction bumping one that rolls back
    a, b = started("a", "b")
    before = generations.current_many([a, b])
    with pytest.raises(RuntimeError):
        bump_and_roll_back(a)

    # When the next transaction bumps the other and commits
    with transaction.atomic():
        generations.bump_on_commit(b)

    # Then only that one is bumped
    assert generations.current_many([a, b]) == [before[0], before[1] + 1]


@pytest.mark.django_db(transaction=True)
def test_bumps_scheduled_in_a_rolled_back_savepoint_are_made_by_the_rest_of_the_transaction() -> (
    None
):
    # Given a transaction whose first bump is scheduled in a savepoint that rolls back
    a, b = started("a", "b")
    before = generations.current_many([a, b])
    with transaction.atomic():
        with pytest.raises(RuntimeError):
            bump_and_roll_back(a)
        # When it bumps another and commits
        generations.bump_on_commit(b)

    # Then that one is bumped (the other at most once: a bump too many only costs a re-read)
    after = generations.current_many([a, b])
    assert after[1] == before[1] + 1
    assert after[0] in (before[0], before[0] + 1)


def test_a_lost_generation_starts_again_above_every_value_it_had() -> None:
    # Given generations the cache lost, one of them after holding the clock's value
    a, b = started("a", "b")
    clock = time.time_ns() // 1000
    cache.delete_many([a, b])

    # When both are bumped
    generations.bump_many([a, b])

    # Then each starts again above the clock, and counts on from there
    restarted = generations.current_many([a, b])
    assert all(value > clock for value in restarted)
    generations.bump_many([a])
    assert generations.current_many([a])[0] == restarted[0] + 1
