"""Which WebSocket origins are let in.

Browsers always send ``Origin``, and only pages of the allowed hosts may open a socket from one.
A client without it (socket.io-client on Node, a native app) is let in too: sockets sign in with a
token in their first message, never with cookies, so such a client cannot be a page riding on a
signed-in user's session."""

from typing import Any

from channels.security.websocket import OriginValidator
from django.conf import settings


class BrowserOriginValidator(OriginValidator):  # type: ignore[misc]
    def valid_origin(self, parsed_origin: Any) -> bool:
        return parsed_origin is None or bool(self.validate_origin(parsed_origin))


def allowed_origins(application: Any) -> BrowserOriginValidator:
    return BrowserOriginValidator(application, settings.ALLOWED_HOSTS)
