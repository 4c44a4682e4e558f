"""One HTTP request through ``config.asgi.application``, the stack the web processes run.

The body goes in as one ``http.request`` message per chunk (``more_body`` until the last), as a
server passes on a chunked upload; the answer is collected however many messages it streams.
A response that never completes fails the caller by the communicator's timeout.
"""

import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from asgiref.testing import ApplicationCommunicator

from config.asgi import application


@dataclass(frozen=True)
class AsgiResponse:
    status: int
    headers: dict[bytes, bytes]
    body: bytes
    # Request chunks the application never read (it stopped at a limit).
    unread_chunks: int

    def json(self) -> Any:
        return json.loads(self.body)


async def asgi_request(
    method: str,
    path: str,
    *,
    chunks: Sequence[bytes] = (b"",),
    headers: Sequence[tuple[bytes, bytes]] = (),
    query_string: str = "",
    token: str | None = None,
    timeout: float = 10,
) -> AsgiResponse:
    all_headers = [(b"host", b"localhost"), *headers]
    if token is not None:
        all_headers.append((b"authorization", f"Bearer {token}".encode()))
    scope: dict[str, Any] = {
        "type": "http",
        "http_version": "1.1",
        "method": method,
        "path": path,
        "raw_path": path.encode(),
        "query_string": query_string.encode(),
        "headers": all_headers,
        "client": ("127.0.0.1", 50000),
        "server": ("localhost", 80),
    }
    communicator = ApplicationCommunicator(application, scope)
    for number, chunk in enumerate(chunks, start=1):
        more = number < len(chunks)
        await communicator.send_input({"type": "http.request", "body": chunk, "more_body": more})
    start = await communicator.receive_output(timeout)
    body = b""
    while True:
        message = await communicator.receive_output(timeout)
        body += message.get("body", b"")
        if not message.get("more_body"):
            break
    await communicator.wait(timeout)
    return AsgiResponse(
        start["status"], dict(start["headers"]), body, communicator.input_queue.qsize()
    )
