"""``/socket.io/`` over HTTP: Engine.IO's long-polling transport is not served, and a client that
falls back to it is told so in Engine.IO's own error shape, instead of a 404 page."""

from django.http import HttpRequest, JsonResponse

TRANSPORT_UNKNOWN = 0  # Engine.IO's error code


def refuse_polling(_request: HttpRequest) -> JsonResponse:
    return JsonResponse(
        {
            "code": TRANSPORT_UNKNOWN,
            "message": "Transport unknown: only the websocket transport is served",
        },
        status=400,
    )
