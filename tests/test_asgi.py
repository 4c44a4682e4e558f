"""The ASGI application the web processes run: HTTP routes through Django."""

from typing import Any

import pytest
from asgiref.testing import ApplicationCommunicator

from config.asgi import application


async def get(path: str) -> tuple[int, bytes]:
    """One GET through the whole ASGI stack, collecting a streamed body too."""
    scope: dict[str, Any] = {
        "type": "http",
        "method": "GET",
        "path": path,
        "query_string": b"",
        "headers": [(b"host", b"localhost")],
    }
    communicator = ApplicationCommunicator(application, scope)
    await communicator.send_input({"type": "http.request", "body": b""})
    start = await communicator.receive_output(5)
    body = b""
    while True:
        chunk = await communicator.receive_output(5)
        body += chunk.get("body", b"")
        if not chunk.get("more_body"):
            break
    await communicator.wait()
    return start["status"], body


@pytest.mark.django_db(transaction=True)
async def test_liveness_over_asgi() -> None:
    status, body = await get("/health/live/")

    assert status == 200
    assert body == b'{"status": "ok"}'


async def test_admin_assets_are_served_in_the_embedded_mode() -> None:
    status, body = await get("/static/admin/css/base.css")

    assert status == 200
    assert b"body" in body
