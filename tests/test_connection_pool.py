"""PostgreSQL connections are pooled (config/settings.py): under concurrent load a web process
holds at most its pool's size of server-side sessions, and no request fails for lack of one.

A real web server process (config/web.py: one worker, four threads, so a pool of four) serves
twice as many concurrent clients as it has threads, while PostgreSQL's own count of the
process's sessions is sampled (``pg_stat_activity``, the process named by ``PGAPPNAME``).
"""

import http.client
import json
import os
import subprocess
import sys
import threading
from collections import Counter
from collections.abc import Iterator

import pytest
from django.db import connection

from campaign.auth.tokens import issue_access_token
from campaign.models import Campaign
from tests import servers
from tests.conftest import Personas

THREADS = 4
CLIENTS = 2 * THREADS
REQUESTS_EACH = 40
APP_NAME = "cm-pool-test"
QUERY = json.dumps({"query": "{ campaigns { id name } }"})


def database_url() -> str:
    """The test database, as the server process must reach it."""
    db = connection.settings_dict
    return f"postgres://{db['USER']}:{db['PASSWORD']}@{db['HOST']}:{db['PORT']}/{db['NAME']}"


def sessions_of_the_server() -> int:
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT count(*) FROM pg_stat_activity WHERE application_name = %s", [APP_NAME]
        )
        return int(cursor.fetchone()[0])


@pytest.fixture
def server() -> Iterator[int]:
    env = {"DATABASE_URL": database_url(), "PGAPPNAME": APP_NAME}
    with servers.web(threads=THREADS, env=env) as port:
        yield port


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_sessions_stay_within_the_pool_under_concurrent_load(
    personas: Personas, campaign: Campaign, server: int
) -> None:
    # Given a token, and a server whose pool holds at most one connection per thread
    headers = {
        "Authorization": f"Bearer {issue_access_token(personas.owner)}",
        "Content-Type": "application/json",
    }
    statuses: Counter[str] = Counter()
    peak = 0
    done = threading.Event()

    def client() -> None:
        conn = http.client.HTTPConnection("127.0.0.1", server, timeout=30)
        for _ in range(REQUESTS_EACH):
            conn.request("POST", "/graphql", QUERY, headers)
            response = conn.getresponse()
            body = json.loads(response.read())
            ok = response.status == 200 and "errors" not in body
            statuses["ok" if ok else f"{response.status} {body}"] += 1
        conn.close()

    def sample() -> None:
        nonlocal peak
        try:
            while not done.wait(0.01):
                peak = max(peak, sessions_of_the_server())
        finally:
            connection.close()

    # When twice as many clients as threads send requests at once, sessions sampled meanwhile
    sampler = threading.Thread(target=sample)
    sampler.start()
    clients = [threading.Thread(target=client) for _ in range(CLIENTS)]
    for thread in clients:
        thread.start()
    for thread in clients:
        thread.join(120)
    done.set()
    sampler.join()

    # Then every request was answered, over at most one session per thread, reused throughout
    assert statuses == Counter({"ok": CLIENTS * REQUESTS_EACH})
    assert 1 <= peak <= THREADS


def pool_settings(**env: str) -> dict[str, object]:
    """The database settings ``config.settings`` makes of ``env``, in a fresh interpreter."""
    script = (
        "import json, django; from django.conf import settings; django.setup();"
        "db = settings.DATABASES['default'];"
        "print(json.dumps({'pool': db['OPTIONS'].get('pool'), 'age': db['CONN_MAX_AGE']}))"
    )
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("DB_", "DATABASE_"))}
    result = subprocess.run(
        [sys.executable, "-c", script],
        cwd=servers.ROOT,
        env={**clean, "DJANGO_SETTINGS_MODULE": "config.settings", **env},
        capture_output=True,
        text=True,
        check=True,
    )
    return json.loads(result.stdout)  # type: ignore[no-any-return]


def test_postgresql_is_pooled_unless_pgbouncer_pools_instead() -> None:
    url = "postgres://app:secret@db:5432/campaigns"

    pooled = pool_settings(DATABASE_URL=url, DB_POOL_MAX_SIZE="4")
    behind_pgbouncer = pool_settings(DATABASE_URL=url, DB_POOL="0", DB_CONN_MAX_AGE="60")

    assert pooled == {"pool": {"min_size": 1, "max_size": 4, "timeout": 5.0}, "age": 0}
    assert behind_pgbouncer == {"pool": None, "age": 60}
