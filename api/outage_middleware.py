"""REST and admin views: a dependency outage answers the JSON error envelope of the REST API with
503 and ``Retry-After``, instead of Django's HTML 500 page (GraphQL maps it in its own errors)."""

from django.http import HttpRequest, HttpResponse
from django.utils.deprecation import MiddlewareMixin

from api.outages import service_unavailable
from campaign.auth.views import error_response


class OutageMiddleware(MiddlewareMixin):
    def process_exception(self, request: HttpRequest, exception: Exception) -> HttpResponse | None:
        error = service_unavailable(exception)
        return None if error is None else error_response(error)
