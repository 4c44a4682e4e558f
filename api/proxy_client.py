"""The client's address behind the proxy, under WSGI.

The web server (config/web.py) passes the peer's address as ``REMOTE_ADDR``: behind nginx that
is the proxy's own, so every client would share one address for the sign-in throttle
(campaign/auth/rate_limit.py), which counts per ``REMOTE_ADDR``. (daphne's ``--proxy-headers``
does this for the ASGI side.) When the peer is a trusted proxy (``FORWARDED_ALLOW_IPS``:
addresses separated by commas, or ``*``), the client is the address the proxy saw:
``X-Real-IP``, else the last address of ``X-Forwarded-For`` (the one the proxy appended; any
earlier ones came from the client and prove nothing).
"""

import os
from collections.abc import Callable, Iterable
from typing import Any

Environ = dict[str, Any]
WsgiApp = Callable[[Environ, Callable[..., Any]], Iterable[bytes]]


def trusted_proxies() -> frozenset[str]:
    value = os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1")
    return frozenset(part.strip() for part in value.split(",") if part.strip())


class ProxiedClient:
    def __init__(self, app: WsgiApp, trusted: frozenset[str] | None = None) -> None:
        self.app = app
        self.trusted = trusted_proxies() if trusted is None else trusted

    def __call__(self, environ: Environ, start_response: Callable[..., Any]) -> Iterable[bytes]:
        peer = environ.get("REMOTE_ADDR", "")
        if "*" in self.trusted or peer in self.trusted:
            real = environ.get("HTTP_X_REAL_IP", "").strip()
            forwarded = environ.get("HTTP_X_FORWARDED_FOR", "").split(",")[-1].strip()
            if real or forwarded:
                environ["REMOTE_ADDR"] = real or forwarded
        return self.app(environ, start_response)
