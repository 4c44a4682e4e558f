"""The compose deployment keeps its invariants (docs/architecture.md#processes); no Docker needed.

Parses docker/compose.yml (YAML anchors and merge keys resolved) and cross-checks it against
docker/nginx.conf, docker/pgbouncer.ini, docker/.env.example and docker/Dockerfile.
"""

import configparser
import json
import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from api.graphql.limits import MAX_BODY_BYTES

ROOT = Path(__file__).resolve().parent.parent
DOCKER = ROOT / "docker"


@pytest.fixture(scope="module")
def services() -> dict[str, dict[str, Any]]:
    compose = yaml.safe_load((DOCKER / "compose.yml").read_text())
    return compose["services"]


def command_of(service: dict[str, Any]) -> list[str]:
    command = service.get("command", [])
    return command.split() if isinstance(command, str) else [str(part) for part in command]


def replicas(service: dict[str, Any]) -> int:
    return int(service.get("deploy", {}).get("replicas", 1))


def http_services(services: dict[str, dict[str, Any]]) -> list[str]:
    """Plain HTTP replicas: the web server (python -m config.web)."""
    return [name for name, service in services.items() if "config.web" in command_of(service)]


def websocket_services(services: dict[str, dict[str, Any]]) -> list[str]:
    """WebSocket replicas: daphne."""
    return [name for name, service in services.items() if "daphne" in command_of(service)[:1]]


def web_services(services: dict[str, dict[str, Any]]) -> list[str]:
    return http_services(services) + websocket_services(services)


def test_every_process_of_the_topology_has_a_service(services: dict[str, Any]) -> None:
    required = {"postgres", "pgbouncer", "redis", "migrate", "nginx", "worker", "beat"}

    assert required <= set(services)


def test_at_least_two_replicas_of_the_web_server_and_of_daphne(services: dict[str, Any]) -> None:
    http = sum(replicas(services[name]) for name in http_services(services))
    websocket = sum(replicas(services[name]) for name in websocket_services(services))

    assert http >= 2
    assert websocket >= 2


def test_nginx_balances_every_web_replica(services: dict[str, Any]) -> None:
    nginx_conf = (DOCKER / "nginx.conf").read_text()

    groups = dict(re.findall(r"upstream (\w+) \{(.*?)\}", nginx_conf, re.DOTALL))

    def servers(group: str) -> set[str]:
        return set(re.findall(r"^\s*server\s+([\w.-]+):8000\b", groups[group], re.MULTILINE))

    assert servers("campaign_http") == set(http_services(services))
    assert servers("campaign_ws") == set(websocket_services(services))
    assert re.search(r"map \$http_upgrade \$web_backend \{\s*default campaign_ws;", nginx_conf)
    graphql = re.search(r"location /graphql \{(.*?)\}", nginx_conf, re.DOTALL)
    socket_io = re.search(r"location /socket\.io/ \{(.*?)\}", nginx_conf, re.DOTALL)
    assert graphql is not None
    assert "proxy_pass http://$web_backend;" in graphql.group(1)
    assert socket_io is not None
    assert "proxy_pass http://campaign_ws;" in socket_io.group(1)
    assert re.search(r"location = /metrics \{\s*return 404;", nginx_conf)


def test_every_setting_the_processes_read_is_in_the_env_example() -> None:
    env_example = (DOCKER / ".env.example").read_text()
    listed = set(re.findall(r"^#? ?([A-Z][A-Z0-9_]+)=", env_example, re.MULTILINE))
    sources = [ROOT / "config" / name for name in ("settings.py", "web.py")]
    sources += [ROOT / "observability" / "task_signals.py"]

    read = {
        name
        for source in sources
        for name in re.findall(
            r"(?:environ(?:\.get)?\(|environ\[|env_bool\(|env_list\()\s*\"([A-Z_]+)\"",
            source.read_text(),
        )
    }

    assert read - listed == set()


def test_prometheus_scrapes_every_replica_and_has_the_seed_alerts() -> None:
    prometheus = yaml.safe_load((DOCKER / "prometheus" / "prometheus.yml").read_text())
    alerts = yaml.safe_load((DOCKER / "prometheus" / "alerts.yml").read_text())
    targets = {
        target
        for job in prometheus["scrape_configs"]
        for config in job["static_configs"]
        for target in config["targets"]
    }

    names = {rule["alert"] for group in alerts["groups"] for rule in group["rules"]}

    assert {"web1:8000", "web2:8000", "ws1:8000", "ws2:8000", "worker:9100"} <= targets
    assert {
        "HighErrorRate",
        "LowCacheHitRate",
        "HighDatabaseConnectionUsage",
        "HighRedisMemoryUsage",
        "SlowQueries",
        "WebSocketConnectionDrops",
        "RulesEngineSlow",
        "SchedulerJobFailures",
    } <= names


def test_redis_never_evicts_keys_because_it_is_the_celery_broker(
    services: dict[str, Any],
) -> None:
    command = command_of(services["redis"])

    policy = command[command.index("--maxmemory-policy") + 1]

    assert policy == "noeviction"
    assert "--appendonly" in command


def test_exactly_one_beat(services: dict[str, Any]) -> None:
    beats = [name for name, service in services.items() if "beat" in command_of(service)]

    assert beats == ["beat"]
    assert replicas(services["beat"]) == 1


def test_worker_runs_celery_worker(services: dict[str, Any]) -> None:
    command = command_of(services["worker"])

    assert command[:4] == ["celery", "-A", "config", "worker"]


def test_application_goes_through_pgbouncer_and_only_migrate_migrates(
    services: dict[str, Any],
) -> None:
    python_services = {
        name: service
        for name, service in services.items()
        if "DATABASE_URL" in service.get("environment", {})
    }

    migrating = {
        name
        for name, service in python_services.items()
        if str(service["environment"].get("RUN_MIGRATIONS", "0")) == "1"
    }

    assert migrating == {"migrate"}
    assert "@postgres:5432/" in python_services["migrate"]["environment"]["DATABASE_URL"]
    for name in [*web_services(services), "worker", "beat"]:
        assert "@pgbouncer:6432/" in python_services[name]["environment"]["DATABASE_URL"], name


def test_pgbouncer_pools_transactions() -> None:
    ini = configparser.ConfigParser(
        comment_prefixes=(";", "#"), inline_comment_prefixes=None, strict=True
    )
    ini.read_string((DOCKER / "pgbouncer.ini").read_text())

    assert ini["pgbouncer"]["pool_mode"] == "transaction"
    assert ini["pgbouncer"]["listen_port"] == "6432"


def test_env_example_defines_every_interpolated_variable() -> None:
    compose_text = (DOCKER / "compose.yml").read_text()
    env_example = (DOCKER / ".env.example").read_text()
    defined = {
        name: value
        for name, _, value in (line.partition("=") for line in env_example.splitlines())
        if name and not name.startswith("#")
    }

    interpolated = set(re.findall(r"(?<!\$)\$\{(\w+)", compose_text))

    assert interpolated <= set(defined), interpolated - set(defined)
    assert defined["DEBUG"] == "0"
    assert defined["SECRET_KEY"].startswith("CHANGE-ME")


def test_image_runs_daphne_as_non_root_with_a_liveness_healthcheck() -> None:
    dockerfile = (DOCKER / "Dockerfile").read_text()

    assert re.search(r"^USER app$", dockerfile, re.MULTILINE)
    assert "http://127.0.0.1:8000/health/live/" in dockerfile
    assert 'CMD ["daphne", "-b", "0.0.0.0", "-p", "8000", "config.asgi:application"]' in dockerfile


def test_nginx_caps_bodies_where_the_application_does_and_answers_json() -> None:
    nginx_conf = (DOCKER / "nginx.conf").read_text()
    cap = re.search(r"client_max_body_size\s+(\d+)m;", nginx_conf)

    assert cap is not None
    assert int(cap.group(1)) * 1024 * 1024 == MAX_BODY_BYTES
    refusal = re.search(r"location @body_too_large \{(.*?)\}\n", nginx_conf, re.DOTALL)
    assert refusal is not None
    assert "default_type application/json;" in refusal.group(1)
    body = re.search(r"return 413 '(.*)';", refusal.group(1))
    assert body is not None
    assert json.loads(body.group(1))["errors"][0]["extensions"]["code"] == "BAD_REQUEST"
