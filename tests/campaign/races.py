"""Races between real requests: each round's calls run at the same moment, one thread per
position in the round, each thread with its own database connection, released together by a
barrier. On SQLite the threads need a database file they share (``shared_database`` in
``tests/campaign/conftest.py``): the test database lives in memory, where SQLite refuses rather
than waits.
"""

import threading
from collections.abc import Callable, Sequence
from typing import Any

import pytest
from django.db import connection


def on_each_database(postgresql: int = 50, sqlite: int = 10) -> pytest.MarkDecorator:
    """Run the test for this many rounds on PostgreSQL (CI) and, on the embedded default, on
    SQLite (a SQLite variant is not collected where the suite runs on PostgreSQL)."""
    params = [pytest.param(postgresql, marks=pytest.mark.postgres, id="postgresql")]
    if connection.vendor == "sqlite":
        params.append(pytest.param(sqlite, id="sqlite"))
    return pytest.mark.parametrize("rounds", params)


# One round: the calls racing each other (a parent-child race puts the delete first).
Round = list[Callable[[], Any]]
# Only catches a hang (a lock never released): a round takes milliseconds.
HANG = 60


def race(rounds: Sequence[Round]) -> list[list[Any]]:
    """Run each round's calls at the same moment, one thread per position in the round (each
    keeping its connection across rounds); each call's result, or the exception it raised."""
    width = len(rounds[0])
    start = threading.Barrier(width, timeout=HANG)
    results: list[list[Any]] = [[None] * width for _ in rounds]

    def run(position: int) -> None:
        try:
            for number, calls in enumerate(rounds):
                start.wait()
                try:
                    results[number][position] = calls[position]()
                except Exception as error:  # the outcome under test
                    results[number][position] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=(n,)) for n in range(width)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(HANG)
        assert not thread.is_alive(), "a racer hung"
    return results
