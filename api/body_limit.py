"""Request bodies are limited where the application reads them (DESIGN §6), for every HTTP path.

Django's ASGI handler copies the whole body into a file before any view runs, and a chunked
request declares no length, so a limit checked in a view comes too late. This middleware reads at
most the limit: a longer body, declared or not, is answered 413 with the API's JSON error envelope
and nothing more of it is read. A body within the limit is passed on whole. (Daphne itself
receives a request's whole body before the application starts; in front of it, nginx's
``client_max_body_size`` bounds that.)
"""

import json
from collections.abc import Awaitable, Callable
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


async def refuse(scope: Scope, send: Send, limit: int) -> None:
    message = f"The request body exceeds {limit} bytes"
    code = "BAD_REQUEST"
    if scope["path"].rstrip("/") == "/graphql":
        envelope: Message = {"errors": [{"message": message, "extensions": {"code": code}}]}
    else:
        envelope = {"error": {"code": code, "message": message}}  # the REST API's
    content = json.dumps(envelope).encode()
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
