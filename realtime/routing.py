"""WebSocket routes. The GraphQL (`/graphql`) and rooms (`/ws/`) consumers join here."""

from django.urls import URLPattern

websocket_urlpatterns: list[URLPattern] = []
