"""``POST /graphql`` (and GraphiQL on ``GET`` in a browser)."""

from typing import Any

from django.http import HttpRequest, HttpResponse, JsonResponse
from graphene_django.views import GraphQLView
from graphql import specified_rules
from graphql_sync_dataloaders import DeferredExecutionContext

from config.graphql.context import GraphQLContext
from config.graphql.errors import format_error
from config.graphql.limits import MAX_BODY_BYTES, QueryLimitsRule


class CampaignGraphQLView(GraphQLView):
    execution_context_class = DeferredExecutionContext
    validation_rules = (*specified_rules, QueryLimitsRule)

    def dispatch(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        length = request.headers.get("Content-Length") or "0"
        if not length.isdigit() or int(length) > MAX_BODY_BYTES:
            return JsonResponse(
                {
                    "errors": [
                        {
                            "message": f"Request body exceeds {MAX_BODY_BYTES} bytes",
                            "extensions": {"code": "BAD_REQUEST"},
                        }
                    ]
                },
                status=413,
            )
        return super().dispatch(request, *args, **kwargs)  # type: ignore[no-any-return]

    def get_context(self, request: HttpRequest) -> GraphQLContext:
        return GraphQLContext(request)

    @staticmethod
    def format_error(error: Exception) -> dict[str, Any]:
        return format_error(error)
