"""Settings are driven by the environment; each case loads them in a fresh interpreter."""

import json
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
PRINT = (
    "import json, django; from django.conf import settings; django.setup();"
    "print(json.dumps({'engine': settings.DATABASES['default']['ENGINE'],"
    " 'cache': settings.CACHES['default']['BACKEND'],"
    " 'cache_location': settings.CACHES['default']['LOCATION'],"
    " 'layer': settings.CHANNEL_LAYERS['default']['BACKEND'],"
    " 'layer_hosts': settings.CHANNEL_LAYERS['default'].get('CONFIG', {}).get('hosts'),"
    " 'broker': settings.CELERY_BROKER_URL, 'eager': settings.CELERY_TASK_ALWAYS_EAGER}))"
)
SERVICE_VARIABLES = (
    "DATABASE_URL",
    "REDIS_URL",
    "DEBUG",
    "SECRET_KEY",
    "CELERY_BROKER_URL",
    "REDIS_CACHE_DB",
    "REDIS_CHANNELS_DB",
    "REDIS_BROKER_DB",
)


def load(**env: str) -> subprocess.CompletedProcess[str]:
    clean = {k: v for k, v in os.environ.items() if k not in SERVICE_VARIABLES}
    clean["DJANGO_SETTINGS_MODULE"] = "config.settings"
    return subprocess.run(
        [sys.executable, "-c", PRINT],
        cwd=REPO,
        env={**clean, **env},
        capture_output=True,
        text=True,
        check=False,
    )


def test_no_environment_means_the_embedded_default() -> None:
    result = load()

    assert result.returncode == 0, result.stderr
    loaded = json.loads(result.stdout)
    assert loaded["engine"] == "django.db.backends.sqlite3"
    assert loaded["cache"].endswith("LocMemCache")
    assert loaded["layer"].endswith("InMemoryChannelLayer")
    assert loaded["broker"] == "memory://"
    assert loaded["eager"] is True


def test_database_and_redis_urls_switch_to_production_services() -> None:
    result = load(
        DATABASE_URL="postgres://app:secret@db:5432/campaigns", REDIS_URL="redis://cache:6379"
    )

    assert result.returncode == 0, result.stderr
    loaded = json.loads(result.stdout)
    assert loaded["engine"] == "django.db.backends.postgresql"
    assert loaded["cache"] == "observability.cache.CountingRedisCache"
    assert loaded["cache_location"] == "redis://cache:6379/0"
    assert [host["address"] for host in loaded["layer_hosts"]] == ["redis://cache:6379/1"]
    assert loaded["broker"] == "redis://cache:6379/2"
    assert loaded["eager"] is False


def test_production_refuses_the_development_secret_key() -> None:
    result = load(DEBUG="0")

    assert result.returncode != 0
    assert "SECRET_KEY must be set" in result.stderr


def test_production_starts_with_a_real_secret_key() -> None:
    assert load(DEBUG="0", SECRET_KEY="a-long-random-production-secret-0123456789").returncode == 0
