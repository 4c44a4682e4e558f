"""One HTTP request through ``config.wsgi.application``, the stack the web server
runs (as ``tests/asgi.py`` is for the ASGI one).

As Django's test client does, the request does not close the test's database connection at its
start and end (``close_old_connections``), which would end the test's transaction. The body is
handed over as a server hands it: with its ``CONTENT_LENGTH``, or, for a chunked
upload, decoded and without one (``Transfer-Encoding: chunked``).
"""

import io
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from django.core.signals import request_finished, request_started
from django.db import close_old_connections

from config.wsgi import application


@dataclass(frozen=True)
class WsgiResponse:
    status: int
    headers: dict[str, str]
    body: bytes
    # Bytes of the body the application never read (it stopped at a limit).
    unread: int

    def json(self) -> Any:
        return json.loads(self.body)


def wsgi_request(
    method: str,
    path: str,
    *,
    body: bytes = b"",
    chunked: bool = False,
    headers: Sequence[tuple[str, str]] = (),
    token: str | None = None,
) -> WsgiResponse:
    stream = io.BytesIO(body)
    environ: dict[str, Any] = {
        "REQUEST_METHOD": method,
        "PATH_INFO": path,
        "SCRIPT_NAME": "",
        "QUERY_STRING": "",
        "SERVER_NAME": "localhost",
        "SERVER_PORT": "80",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "HTTP_HOST": "localhost",
        "wsgi.version": (1, 0),
        "wsgi.url_scheme": "http",
        "wsgi.input": stream,
        "wsgi.errors": io.StringIO(),
        "wsgi.multithread": True,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
    }
    if chunked:
        environ["HTTP_TRANSFER_ENCODING"] = "chunked"
    elif body:
        environ["CONTENT_LENGTH"] = str(len(body))
    for name, value in headers:
        key = name.upper().replace("-", "_")
        environ[key if key in {"CONTENT_TYPE", "CONTENT_LENGTH"} else f"HTTP_{key}"] = value
    if token is not None:
        environ["HTTP_AUTHORIZATION"] = f"Bearer {token}"
    started: dict[str, Any] = {}

    def start_response(status: str, response_headers: list[tuple[str, str]], *_: Any) -> None:
        started["status"] = int(status.split(" ", 1)[0])
        started["headers"] = dict(response_headers)

    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        result = application(environ, start_response)
        content = b"".join(result)
        close = getattr(result, "close", None)
        if close is not None:
            close()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)
    return WsgiResponse(started["status"], started["headers"], content, len(body) - stream.tell())
