"""manage.py create_api_key: a working key, issued through the audited action."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from campaign.auth import api_keys
from campaign.models import AuditLog
from tests.conftest import Personas

pytestmark = pytest.mark.django_db


def test_the_printed_key_authenticates_as_its_user_with_its_scopes(personas: Personas) -> None:
    out = StringIO()

    call_command(
        "create_api_key", email="gm@example.com", name="exporter", scopes="read,write", stdout=out
    )

    raw = out.getvalue().splitlines()[-1]
    actor = api_keys.authenticate_api_key(raw)
    assert actor.user == personas.gm
    assert actor.scopes == frozenset({"read", "write"})
    assert AuditLog.objects.filter(entity_type="api_key", actor=personas.gm).exists()


def test_an_unknown_user_is_refused(personas: Personas) -> None:
    with pytest.raises(CommandError, match="No active user"):
        call_command("create_api_key", email="nobody@example.com", name="x", stdout=StringIO())


def test_a_bad_scope_is_refused_naming_it(personas: Personas) -> None:
    with pytest.raises(CommandError, match="scope"):
        call_command(
            "create_api_key", email="gm@example.com", name="x", scopes="root", stdout=StringIO()
        )
