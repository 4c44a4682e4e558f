"""Request ids: kept from X-Request-ID when sane, made up otherwise, echoed in the response, in
every log line of the request and carried into the Celery tasks it enqueues."""

import io
import json
import logging
from types import SimpleNamespace

import pytest
from django.test import Client

from observability import logs, request_ids, task_signals

pytestmark = pytest.mark.django_db


def test_a_sane_request_id_is_echoed(client: Client) -> None:
    response = client.get("/health/live/", HTTP_X_REQUEST_ID="edge-42.a:b")

    assert response["X-Request-ID"] == "edge-42.a:b"


@pytest.mark.parametrize("sent", [None, "", "x" * 129, "two words", "line\nbreak"])
def test_a_missing_or_odd_request_id_is_replaced(client: Client, sent: str | None) -> None:
    headers = {} if sent is None else {"X-Request-ID": sent}

    response = client.get("/health/live/", headers=headers)

    assert response["X-Request-ID"] != sent
    assert len(response["X-Request-ID"]) == 32


def test_each_request_gets_its_own_id(client: Client) -> None:
    first = client.get("/health/live/")["X-Request-ID"]
    second = client.get("/health/live/")["X-Request-ID"]

    assert first != second


def json_lines() -> tuple[logging.Logger, io.StringIO]:
    stream = io.StringIO()
    handler = logging.StreamHandler(stream)
    handler.setFormatter(logs.formatter("json"))
    logger = logging.getLogger("tests.observability.lines")
    logger.handlers = [handler]
    logger.propagate = False
    return logger, stream


def test_a_log_line_is_json_with_the_bound_request_id() -> None:
    logger, stream = json_lines()
    request_ids.bind("req-1")
    try:
        logger.warning("cache %s is cold", "computed-fields")
    finally:
        request_ids.clear()

    line = json.loads(stream.getvalue())
    assert line["request_id"] == "req-1"
    assert line["event"] == "cache computed-fields is cold"
    assert line["level"] == "warning"
    assert line["logger"] == "tests.observability.lines"
    assert "timestamp" in line


def test_an_exception_is_logged_as_one_json_line() -> None:
    logger, stream = json_lines()

    try:
        raise ValueError("boom")
    except ValueError:
        logger.exception("failed")

    (line,) = stream.getvalue().splitlines()
    assert "ValueError: boom" in json.loads(line)["exception"]


def test_an_enqueued_task_carries_the_request_id_into_its_run() -> None:
    headers: dict[str, object] = {}
    request_ids.bind("req-from-web")
    task_signals._carry_request_id(headers=headers)
    request_ids.clear()
    task = SimpleNamespace(
        name="rules.tasks.example", request=SimpleNamespace(is_eager=False, **headers)
    )

    task_signals._bind_task(task_id="t-1", task=task)
    during = request_ids.current()
    task_signals._unbind_task(task_id="t-1", task=task, state="SUCCESS")

    assert headers == {"request_id": "req-from-web"}
    assert during == "req-from-web"
    assert request_ids.current() is None
