"""Fixtures of the campaign tests."""

import sqlite3
from collections.abc import Iterator
from pathlib import Path

import pytest
from django.db import connection

from campaign.models import Campaign


@pytest.fixture
def shared_database(campaign: Campaign, tmp_path: Path) -> Iterator[None]:
    """On SQLite, move the in-memory test database (with the fixtures' rows) to a file for the
    test, so that every thread's connection reaches the same data and waits for the write lock.
    The in-memory database stays open meanwhile (closing its last connection would drop it)."""
    if connection.vendor != "sqlite":
        yield
        return
    connection.ensure_connection()
    settings, in_memory = connection.settings_dict, connection.connection
    name, path = settings["NAME"], tmp_path / "race.sqlite3"
    copy = sqlite3.connect(path)
    in_memory.backup(copy)
    copy.close()
    connection.connection, settings["NAME"] = None, str(path)
    try:
        yield
    finally:
        connection.close()
        settings["NAME"], connection.connection = name, in_memory
