"""First in the middleware chain: gives the request its id (``X-Request-ID`` in, the same out, in
every log line on the way) and measures it for ``/metrics``. One middleware, so measuring costs
a request one call and a few microseconds."""

import time
from collections.abc import Callable

from django.http import HttpRequest, HttpResponse

from observability import metrics, request_ids

UNMATCHED = "unmatched"
GRAPHQL_OPERATION = "graphql_operation"
METHODS = frozenset({"GET", "HEAD", "POST", "PUT", "PATCH", "DELETE", "OPTIONS"})


def name_graphql_operation(request: HttpRequest, operation: str) -> None:
    """Called by the GraphQL view: the request is also measured as this operation."""
    setattr(request, GRAPHQL_OPERATION, operation)


def route_of(request: HttpRequest) -> str:
    """The URL pattern that answered (``graphql``, ``health/``), bounded by the URLconf."""
    match = request.resolver_match
    return match.route if match is not None else UNMATCHED


class ObservationMiddleware:
    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        # META, not request.headers, which would build a dict of every header for one.
        request_id = request_ids.accept(request.META.get("HTTP_X_REQUEST_ID"))
        token = request_ids.enter(request_id)
        started = time.perf_counter()
        try:
            response = self.get_response(request)
        finally:
            request_ids.leave(token)
        elapsed = time.perf_counter() - started
        route = route_of(request)
        method = request.method if request.method in METHODS else "other"
        metrics.HTTP_REQUEST_SECONDS.labels(route, method).observe(elapsed)
        metrics.HTTP_RESPONSES.labels(route, str(response.status_code)).inc()
        operation = getattr(request, GRAPHQL_OPERATION, None)
        if operation is not None:
            metrics.GRAPHQL_OPERATION_SECONDS.labels(operation).observe(elapsed)
        response[request_ids.HEADER] = request_id
        return response
