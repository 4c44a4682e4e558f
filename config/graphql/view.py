"""``POST /graphql`` (and GraphiQL on ``GET`` in a browser)."""

from typing import Any

from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest, JsonResponse
from graphene_django.views import GraphQLView, HttpError
from graphql import specified_rules
from graphql_sync_dataloaders import DeferredExecutionContext

from config.graphql.context import GraphQLContext
from config.graphql.errors import format_error
from config.graphql.limits import MAX_BODY_BYTES, QueryLimitsRule


def bad_request(message: str) -> HttpResponseBadRequest:
    return HttpResponseBadRequest(message)


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

    def parse_body(self, request: HttpRequest) -> Any:
        try:
            return super().parse_body(request)
        except RecursionError as exc:
            # json.loads of "[[[[…" within the size limit: the client's fault, not a 500.
            raise HttpError(bad_request("The request body is nested too deeply")) from exc

    @staticmethod
    def get_graphql_params(request: HttpRequest, data: Any) -> tuple[Any, Any, Any, Any]:
        """The request's parameters, refused when they have the wrong JSON types: graphql-core
        would otherwise fail on them with a TypeError, reported as an internal error."""
        query, variables, operation_name, id_ = GraphQLView.get_graphql_params(request, data)
        variables = variables or None  # "" or [] from a lax client: no variables
        if query is not None and not isinstance(query, str):
            raise HttpError(bad_request("query must be a string"))
        if variables is not None and not isinstance(variables, dict):
            raise HttpError(bad_request("variables must be a JSON object"))
        if operation_name is not None and not isinstance(operation_name, str):
            raise HttpError(bad_request("operationName must be a string"))
        return query, variables, operation_name, id_

    def get_context(self, request: HttpRequest) -> GraphQLContext:
        return GraphQLContext(request)

    @staticmethod
    def format_error(error: Exception) -> dict[str, Any]:
        return format_error(error)
