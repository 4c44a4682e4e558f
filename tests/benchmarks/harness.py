"""What the benchmark scripts share to start: importing this module sets Django up with the
project's settings as the test runner does (``setup_test_environment``: DEBUG off, in-process
requests answered as ``testserver``, mail kept in memory); ``throwaway_databases()`` then gives a
run its test databases on the configured backend (SQLite by default; ``DATABASE_URL`` for
PostgreSQL).

A script imports it before anything that needs the app registry, with ``# isort: split`` after it
so that sorting the imports keeps it first; a variable the script wants read into the settings
(bench_load's DEBUG, for one) is set before that import.
"""

import os
from collections.abc import Iterator
from contextlib import contextmanager

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
# A seeded scene's tokens are issued once, at the start: they must outlive the longest run.
os.environ.setdefault("JWT_ACCESS_TOKEN_MINUTES", "1440")

import django

django.setup()

from django.test.utils import (  # noqa: E402
    setup_databases,
    setup_test_environment,
    teardown_databases,
)

setup_test_environment(debug=False)  # as pytest-django and the test runner call it


@contextmanager
def throwaway_databases() -> Iterator[None]:
    """Test databases made for the block and dropped after it, however it ends."""
    databases = setup_databases(verbosity=0, interactive=False)
    try:
        yield
    finally:
        teardown_databases(databases, verbosity=0)
