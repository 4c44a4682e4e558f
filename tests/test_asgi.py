"""The ASGI application the web processes run: HTTP routes through Django."""

import pytest

from tests.asgi import asgi_request


async def get(path: str) -> tuple[int, bytes]:
    """One GET through the whole ASGI stack, collecting a streamed body too."""
    response = await asgi_request("GET", path, timeout=5)
    return response.status, response.body


@pytest.mark.django_db(transaction=True)
async def test_liveness_over_asgi() -> None:
    status, body = await get("/health/live/")

    assert status == 200
    assert body == b'{"status": "ok"}'


async def test_admin_assets_are_served_in_the_embedded_mode() -> None:
    status, body = await get("/static/admin/css/base.css")

    assert status == 200
    assert b"body" in body
