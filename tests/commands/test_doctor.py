"""manage.py doctor: one line per finding, failing only when something is broken."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

pytestmark = pytest.mark.django_db


def doctor(*only: str) -> str:
    out = StringIO()
    call_command("doctor", *[f"--only={area}" for area in only], stdout=out, no_color=True)
    return out.getvalue()


def test_a_migrated_database_and_reachable_services_pass() -> None:
    output = doctor("migrations", "services", "slow-queries", "cache")

    assert "OK    migrations: all applied" in output
    assert "OK    services: database: ok" in output
    assert "FAIL" not in output


def test_settings_report_what_production_must_change(settings: object) -> None:
    settings.METRICS_TOKEN = ""  # type: ignore[attr-defined]

    output = doctor("settings")

    assert "METRICS_TOKEN unset" in output


def test_an_unreachable_service_fails_the_run(settings: object) -> None:
    settings.CELERY_BROKER_URL = "redis://127.0.0.1:1/0"  # type: ignore[attr-defined]

    with pytest.raises(CommandError, match="failed"):
        doctor("services")


@pytest.mark.postgres
def test_slow_queries_are_looked_for_on_postgresql() -> None:
    output = doctor("slow-queries")

    assert "OK    slow queries: none over 100 ms" in output
