"""Request bodies are limited where the application reads them (DESIGN §6), for every HTTP path,
under ASGI (``BodyLimit``) and WSGI (``WsgiBodyLimit``) alike.

Django's ASGI handler copies the whole body into a file before any view runs, and a chunked
request declares no length, so a limit checked in a view comes too late. This middleware reads at
most the limit: a longer body, declared or not, is answered 413 with the API's JSON error envelope
and nothing more of it is read. A body within the limit is passed on whole. (Daphne itself
receives a request's whole body before the application starts; in front of it, nginx's
``client_max_body_size`` bounds that.)

Under WSGI, Django reads only ``CONTENT_LENGTH`` bytes of ``wsgi.input`` and so would see a
chunked body as empty; ``WsgiBodyLimit`` reads at most the limit plus one byte and hands Django
the body with its length, so a chunked request means the same under both servers.
"""

import io
import json
from collections.abc import Awaitable, Callable, Iterable
from typing import Any

from api.graphql.limits import MAX_BODY_BYTES

Message = dict[str, Any]
Scope = dict[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]


class BodyLimit:
    def __init__(self, app: Any, limit: int = MAX_BODY_BYTES) -> None:
        self.app = app
        self.limit = limit

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        if self.declared_too_long(scope):
            await refuse(scope, send, self.limit)
            return
        body = bytearray()
        while True:
            message = await receive()
            if message["type"] != "http.request":
                return  # the client went away before sending the whole body
            body += message.get("body", b"")
            if len(body) > self.limit:
                await refuse(scope, send, self.limit)
                return
            if not message.get("more_body", False):
                break
        await self.app(scope, replay(bytes(body), receive), send)

    def declared_too_long(self, scope: Scope) -> bool:
        for name, value in scope["headers"]:
            if name.lower() == b"content-length":
                return not value.isdigit() or int(value) > self.limit
        return False


def replay(body: bytes, receive: Receive) -> Receive:
    """A ``receive`` giving the body read already, then what the client sends next (the
    application listens for a disconnect while it answers)."""
    pending: list[Message] = [{"type": "http.request", "body": body, "more_body": False}]

    async def receive_again() -> Message:
        return pending.pop() if pending else await receive()

    return receive_again


def refusal(path: str, limit: int) -> bytes:
    """The 413's JSON body: GraphQL's error envelope on /graphql, the REST API's elsewhere."""
    message = f"The request body exceeds {limit} bytes"
    code = "BAD_REQUEST"
    if path.rstrip("/") == "/graphql":
        envelope: Message = {"errors": [{"message": message, "extensions": {"code": code}}]}
    else:
        envelope = {"error": {"code": code, "message": message}}
    return json.dumps(envelope).encode()


async def refuse(scope: Scope, send: Send, limit: int) -> None:
    content = refusal(scope["path"], limit)
    await send(
        {
            "type": "http.response.start",
            "status": 413,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(content)).encode()),
            ],
        }
    )
    await send({"type": "http.response.body", "body": content, "more_body": False})


Environ = dict[str, Any]
StartResponse = Callable[..., Any]
WsgiApp = Callable[[Environ, StartResponse], Iterable[bytes]]


class WsgiBodyLimit:
    def __init__(self, app: WsgiApp, limit: int = MAX_BODY_BYTES) -> None:
        self.app = app
        self.limit = limit

    def __call__(self, environ: Environ, start_response: StartResponse) -> Iterable[bytes]:
        declared = environ.get("CONTENT_LENGTH") or ""
        chunked = "chunked" in environ.get("HTTP_TRANSFER_ENCODING", "").lower()
        if declared and (not declared.isdigit() or int(declared) > self.limit):
            return self.refuse(environ, start_response)
        if declared or chunked:
            # The server ends wsgi.input at the declared length or the last chunk.
            body = environ["wsgi.input"].read(self.limit + 1)
            if len(body) > self.limit:
                return self.refuse(environ, start_response)
            environ["wsgi.input"] = io.BytesIO(body)
            environ["CONTENT_LENGTH"] = str(len(body))
        return self.app(environ, start_response)

    def refuse(self, environ: Environ, start_response: StartResponse) -> list[bytes]:
        content = refusal(environ.get("PATH_INFO", ""), self.limit)
        start_response(
            "413 Request Entity Too Large",
            [("Content-Type", "application/json"), ("Content-Length", str(len(content)))],
        )
        return [content]
