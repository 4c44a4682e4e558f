"""WSGI entry point: plain HTTP in production, on the web server's threads (config/web.py).

WebSockets are the ASGI application's (config/asgi.py, on daphne); nginx routes a request by its
Upgrade header. Both cap request bodies the same way (api/body_limit.py), and both take the
client's address from a trusted proxy's headers (api/proxy_client.py; daphne --proxy-headers).
"""

import os

from django.core.wsgi import get_wsgi_application

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django_wsgi_app = get_wsgi_application()

from django.conf import settings  # noqa: E402
from django.contrib.staticfiles.handlers import StaticFilesHandler  # noqa: E402

from api.body_limit import WsgiBodyLimit  # noqa: E402
from api.proxy_client import ProxiedClient  # noqa: E402

if settings.DEBUG:
    # As config.asgi: without nginx in front, the admin's assets come from the app itself.
    django_wsgi_app = StaticFilesHandler(django_wsgi_app)

application = ProxiedClient(WsgiBodyLimit(django_wsgi_app))
