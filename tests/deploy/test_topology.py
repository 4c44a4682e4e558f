"""`make up`: nginx in front of two replicas (the web server for HTTP, daphne for WebSockets), a
Celery worker and a beat, all started by deploy/up.sh and stopped by deploy/down.sh."""

import json
from collections.abc import Iterator
from http.client import HTTPMessage
from pathlib import Path

import pytest

from tests.deploy.topology import Topology, down, running

pytestmark = [pytest.mark.postgres, pytest.mark.redis]


@pytest.fixture(scope="module")
def topology(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Topology]:
    with running(tmp_path_factory.mktemp("topology")) as started:
        yield started


def upstream_port(headers: HTTPMessage) -> int:
    return int(headers["X-Upstream"].rsplit(":", 1)[1])


def test_every_process_is_running(topology: Topology) -> None:
    pids = topology.pids()

    assert set(pids) == {"nginx", "web1", "web2", "ws1", "ws2", "worker", "beat"}
    for name, pid in pids.items():
        assert Path(f"/proc/{pid}").exists(), name


def test_plain_http_reaches_each_web_replica(topology: Topology) -> None:
    answered = set()

    for _ in range(6):
        status, headers, _ = topology.request("GET", "/health/live/")
        assert status == 200
        answered.add(upstream_port(headers))

    assert answered == topology.http_ports()


def test_graphql_answers_through_nginx_with_a_request_id(topology: Topology) -> None:
    status, headers, body = topology.request(
        "POST",
        "/graphql",
        json.dumps({"query": "{ health { status } }"}),
        {"Content-Type": "application/json", "X-Request-ID": "topology-test-1"},
    )

    assert status == 200
    assert json.loads(body)["data"]["health"]["status"]
    assert headers["X-Request-ID"] == "topology-test-1"
    assert upstream_port(headers) in topology.http_ports()


def test_a_websocket_handshake_on_graphql_goes_to_daphne(topology: Topology) -> None:
    answered = set()

    for _ in range(4):
        _, headers, _ = topology.request(
            "GET",
            "/graphql",
            headers={
                "Connection": "Upgrade",
                "Upgrade": "websocket",
                "Sec-WebSocket-Version": "13",
                "Sec-WebSocket-Key": "dGhlIHNhbXBsZSBub25jZQ==",
                "Sec-WebSocket-Protocol": "graphql-transport-ws",
                "Origin": f"http://127.0.0.1:{topology.http_port}",
            },
        )
        answered.add(upstream_port(headers))

    assert answered == topology.ws_ports()


def test_metrics_are_not_served_at_the_edge(topology: Topology) -> None:
    status, _, _ = topology.request("GET", "/metrics")

    assert status == 404


def test_down_stops_every_process(topology: Topology) -> None:
    """Last in this module: the module's topology is stopped here."""
    pids = topology.pids()

    down(topology)

    assert not [name for name, pid in pids.items() if Path(f"/proc/{pid}").exists()]
    assert not list((topology.directory / "run").glob("*.pid"))
