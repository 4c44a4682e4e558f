"""Plain HTTP under WSGI (config.wsgi, what the web server of config/web.py serves) answers as
under ASGI: health, the REST auth endpoints, the admin, GraphQL, and the 1 MiB body limit with
the same JSON 413, chunked or declared; the web server's own limits and settings."""

import json
import os
import signal
import socket
import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from api.graphql.limits import MAX_BODY_BYTES
from api.proxy_client import ProxiedClient, trusted_proxies
from campaign.auth.tokens import issue_access_token
from campaign.models import Campaign
from config.web import MAX_HEAD_BYTES, WebSettings, settings_from
from tests import servers
from tests.conftest import Personas
from tests.wsgi import wsgi_request

JSON = ("Content-Type", "application/json")
CAMPAIGNS = json.dumps({"query": "{ campaigns { name } }"}).encode()
GRAPHQL_REFUSAL = {
    "errors": [
        {
            "message": f"The request body exceeds {MAX_BODY_BYTES} bytes",
            "extensions": {"code": "BAD_REQUEST"},
        }
    ]
}


def padded(total: int) -> bytes:
    """A GraphQL body of ``total`` bytes."""
    head, tail = b'{"query": "{ __typename }", "variables": {"p": "', b'"}}'
    return head + b"x" * (total - len(head) - len(tail)) + tail


def test_liveness_over_wsgi() -> None:
    response = wsgi_request("GET", "/health/live/")

    assert response.status == 200
    assert response.json() == {"status": "ok"}


def test_graphql_over_wsgi_answers_a_bearer(personas: Personas, campaign: Campaign) -> None:
    # Given the owner's access token
    token = issue_access_token(personas.owner)

    # When they ask for their campaigns over WSGI
    response = wsgi_request("POST", "/graphql", body=CAMPAIGNS, headers=[JSON], token=token)

    # Then they get them
    assert response.status == 200
    assert response.json() == {"data": {"campaigns": [{"name": campaign.name}]}}


def test_a_chunked_body_within_the_limit_reaches_django(personas: Personas) -> None:
    # Given a body sent chunked, with no Content-Length (Django alone would read nothing)
    body = padded(MAX_BODY_BYTES)

    # When it is posted
    response = wsgi_request("POST", "/graphql", body=body, chunked=True, headers=[JSON])

    # Then GraphQL answers it whole
    assert response.status == 200
    assert response.json() == {"data": {"__typename": "Query"}}


def test_a_chunked_body_over_the_limit_is_413_and_read_no_further() -> None:
    # Given a 2 MB body sent chunked
    body = padded(2 * MAX_BODY_BYTES)

    # When it is posted to /graphql
    response = wsgi_request("POST", "/graphql", body=body, chunked=True, headers=[JSON])

    # Then it is refused with GraphQL's JSON, having read one byte past the limit and no more
    assert response.status == 413
    assert response.headers["Content-Type"] == "application/json"
    assert response.json() == GRAPHQL_REFUSAL
    assert response.unread == len(body) - MAX_BODY_BYTES - 1


def test_a_declared_length_over_the_limit_is_413_before_reading() -> None:
    # Given a REST body declaring one byte more than the limit
    body = b"{" + b" " * MAX_BODY_BYTES + b"}"

    # When it is posted to a REST endpoint
    response = wsgi_request("POST", "/auth/login", body=body, headers=[JSON])

    # Then it is refused with the REST envelope, none of it read
    assert response.status == 413
    assert response.json() == {
        "error": {
            "code": "BAD_REQUEST",
            "message": f"The request body exceeds {MAX_BODY_BYTES} bytes",
        }
    }
    assert response.unread == len(body)


def test_rest_sign_in_over_wsgi(personas: Personas) -> None:
    # Given a persona's credentials
    body = json.dumps(
        {"email": personas.owner.email, "password": "correct horse battery staple"}
    ).encode()

    # When they sign in over WSGI
    response = wsgi_request("POST", "/auth/login", body=body, headers=[JSON])

    # Then they get a token pair
    assert response.status == 200
    assert set(response.json()) >= {"accessToken", "refreshToken"}


def test_the_admin_login_page_over_wsgi_sets_its_csrf_cookie(db: None) -> None:
    response = wsgi_request("GET", "/admin/login/")

    assert response.status == 200
    assert b"csrfmiddlewaretoken" in response.body


@pytest.fixture(scope="module")
def web_server() -> Iterator[int]:
    with servers.web(threads=2) as port:
        yield port


def exchange(port: int, request: bytes) -> tuple[int, bytes]:
    """Send raw HTTP/1.1 and read the answer until the server closes the connection."""
    with socket.create_connection(("127.0.0.1", port), timeout=30) as conn:
        conn.sendall(request)
        answer = b""
        while chunk := conn.recv(65536):
            answer += chunk
    head, _, body = answer.partition(b"\r\n\r\n")
    return int(head.split(b" ", 2)[1]), body


def chunked_post(path: str, body: bytes) -> bytes:
    parts = [
        b"%x\r\n%s\r\n" % (len(body[i : i + 65536]), body[i : i + 65536])
        for i in range(0, len(body), 65536)
    ]
    return (
        (
            f"POST {path} HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
            "Transfer-Encoding: chunked\r\nConnection: close\r\n\r\n"
        ).encode()
        + b"".join(parts)
        + b"0\r\n\r\n"
    )


def test_the_web_server_serves_and_limits_chunked_bodies(web_server: int) -> None:
    # Given the web server as production runs it (python -m config.web)
    live = b"GET /health/live/ HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"

    # When it is asked for liveness, a small chunked query and a 2 MB chunked one
    alive = exchange(web_server, live)
    small = exchange(web_server, chunked_post("/graphql", padded(1000)))
    large = exchange(web_server, chunked_post("/graphql", padded(2 * MAX_BODY_BYTES)))

    # Then the first two are answered and the last refused with the JSON 413
    assert alive == (200, b'{"status": "ok"}')
    assert small == (200, b'{"data":{"__typename":"Query"}}')
    assert large[0] == 413
    assert json.loads(large[1]) == GRAPHQL_REFUSAL


def test_the_web_server_refuses_a_head_longer_than_its_limit(web_server: int) -> None:
    # Given a request whose headers are longer than the server holds
    header = "X-Padding: " + "a" * MAX_HEAD_BYTES
    request = f"GET /health/live/ HTTP/1.1\r\nHost: localhost\r\n{header}\r\n\r\n"

    # When it is sent
    status, _ = exchange(web_server, request.encode())

    # Then it is refused before the application sees it
    assert status == 431


def test_a_killed_worker_is_replaced_and_requests_go_on() -> None:
    # Given the web server with two worker processes
    live = b"GET /health/live/ HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n"
    # (stopped soon after a new worker was started: that worker is killed once the grace ends)
    grace = {"WEB_GRACEFUL_TIMEOUT": "1"}
    with servers.web_process(workers=2, threads=1, env=grace) as (port, main):
        workers = set(servers.process_tree(main)) - {main}
        assert len(workers) == 2

        # When one of them is killed (a request it had taken when the signal landed is lost with
        # it, as with any server; nginx retries it elsewhere when it is idempotent)
        victim = min(workers)
        os.kill(victim, signal.SIGKILL)
        assert wait_until(lambda: victim not in servers.process_tree(main))
        answers = [exchange(port, live)[0] for _ in range(20)]
        replaced = wait_until(lambda: len(set(servers.process_tree(main)) - {main, victim}) == 2)

        # Then every request from then on is answered, and a new worker takes the dead one's place
        assert answers == [200] * 20
        assert replaced
        assert exchange(port, live)[0] == 200


def wait_until(condition: Callable[[], bool], seconds: float = 15) -> bool:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            return False
        time.sleep(0.1)
    return True


def test_the_web_servers_settings_come_from_the_environment() -> None:
    environ = {"WEB_BIND": "[::]:9000", "WEB_CONCURRENCY": "3", "WEB_THREADS": "4"}
    environ |= {"WEB_ACCESS_LOG": "1", "WEB_LOG_LEVEL": "WARNING", "WEB_GRACEFUL_TIMEOUT": "5"}

    assert settings_from(environ) == WebSettings("::", 9000, 3, 4, True, "warning", 5)
    assert settings_from({"WEB_BIND": ":8000"}).host == "0.0.0.0"
    assert settings_from({}).threads == 2


def test_token_paths_set_no_cookie(personas: Personas) -> None:
    # Given a GraphQL request with a bearer token
    token = issue_access_token(personas.owner)

    # When it is answered
    response = wsgi_request("POST", "/graphql", body=CAMPAIGNS, headers=[JSON], token=token)

    # Then no session or CSRF cookie comes with it (the admin's login page still sets one)
    assert response.status == 200
    assert "Set-Cookie" not in response.headers


def echo_client(environ: dict[str, Any], start_response: Any) -> list[bytes]:
    start_response("200 OK", [])
    return [environ["REMOTE_ADDR"].encode()]


@pytest.mark.parametrize(
    ("peer", "headers", "seen"),
    [
        ("10.0.0.2", {"HTTP_X_REAL_IP": "203.0.113.7"}, "203.0.113.7"),
        ("10.0.0.2", {"HTTP_X_FORWARDED_FOR": "6.6.6.6, 203.0.113.7"}, "203.0.113.7"),
        ("10.0.0.2", {}, "10.0.0.2"),
        ("198.51.100.9", {"HTTP_X_REAL_IP": "6.6.6.6"}, "198.51.100.9"),
    ],
    ids=["real-ip", "last-forwarded", "no-header", "untrusted-peer"],
)
def test_the_client_address_comes_from_trusted_proxies_only(
    peer: str, headers: dict[str, str], seen: str
) -> None:
    # Given the application behind a proxy at 10.0.0.2
    app = ProxiedClient(echo_client, frozenset({"10.0.0.2"}))

    # When a request comes from ``peer`` with ``headers``
    answer = b"".join(app({"REMOTE_ADDR": peer, **headers}, lambda *_: None))

    # Then the client is the proxy's word only when the peer is the proxy
    assert answer.decode() == seen


def test_the_trusted_proxies_are_the_environments(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FORWARDED_ALLOW_IPS", "10.0.0.2, 10.0.0.3,")

    assert trusted_proxies() == {"10.0.0.2", "10.0.0.3"}
