"""The GraphQL data set: ``data`` is a full campaign (operations go through ``gql``).

``data`` is built and committed once per test module, and emptied again after the module as
Django's TransactionTestCase empties the database (``flush``); every test runs in its own
transaction on top of it (pytest-django's ``db``), rolled back afterwards, so a test may change
anything and the next test still sees the same data set. Modules that build their own rows per
test use the personas of ``tests/conftest.py`` instead; one module never mixes the two.
"""

from collections.abc import Iterator
from typing import Any

import pytest
from django.core.management import call_command
from django.test import override_settings

from tests.builders import Dataset, build_dataset

FAST_HASHER = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(scope="module")
def dataset(django_db_setup: None, django_db_blocker: Any) -> Iterator[Dataset]:
    with django_db_blocker.unblock(), override_settings(PASSWORD_HASHERS=FAST_HASHER):
        try:
            yield build_dataset()
        finally:
            call_command("flush", interactive=False, verbosity=0)


@pytest.fixture
def data(dataset: Dataset, db: None) -> Dataset:
    """The module's data set, under this test's transaction that is rolled back afterwards."""
    return dataset
