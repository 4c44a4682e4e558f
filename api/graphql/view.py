"""``POST /graphql`` (and GraphiQL on ``GET`` in a browser)."""

import json
from functools import lru_cache
from typing import Any

import orjson
from django.http import HttpRequest, HttpResponseBadRequest, HttpResponseNotAllowed
from graphene_django.views import GraphQLView, HttpError
from graphql import (
    DocumentNode,
    ExecutionResult,
    FieldNode,
    GraphQLError,
    GraphQLSchema,
    OperationDefinitionNode,
    OperationType,
    execute,
    get_operation_ast,
    specified_rules,
    validate,
)

from api.graphql.context import GraphQLContext
from api.graphql.errors import RequestErrorCode, coded, field_name, format_error
from api.graphql.execution import ExecutionContext
from api.graphql.limits import finite, limit_errors, out_of_range, parse_within_limits
from api.graphql.text_inputs import StorableTextRule, refused_variables
from api.observation_middleware import name_graphql_operation

VALIDATION_RULES = (*specified_rules, StorableTextRule)
# Documents up to this size are kept parsed and validated: clients send the same few operations
# over and over, and validation is a fifth of a small request's cost.
CACHEABLE_QUERY_CHARS = 16 * 1024


def bad_request(message: str) -> HttpResponseBadRequest:
    return HttpResponseBadRequest(message)


def check_document(
    schema: GraphQLSchema, query: str
) -> tuple[DocumentNode | None, tuple[GraphQLError, ...]]:
    """The parsed document and its errors: the request limits first, the validation rules (some
    of them quadratic) only for a document within them."""
    try:
        document = parse_within_limits(query)
    except GraphQLError as error:
        return None, coded([error], RequestErrorCode.GRAPHQL_PARSE_FAILED)
    except RecursionError:
        too_deep = GraphQLError("The query is nested too deeply to parse")
        return None, coded([too_deep], RequestErrorCode.GRAPHQL_PARSE_FAILED)
    try:
        errors = limit_errors(document) or validate(schema, document, VALIDATION_RULES)
    except RecursionError:
        errors = [GraphQLError("The query is nested too deeply")]
    return document, coded(errors, RequestErrorCode.GRAPHQL_VALIDATION_FAILED)


cached_check_document = lru_cache(maxsize=512)(check_document)


def operation_label(operation: OperationDefinitionNode | None) -> str:
    """``query.settlements``: the operation's type and first root field, which the schema bounds
    (a metric label must not take whatever ``operationName`` a client sends)."""
    if operation is None:
        return "unknown"
    first = next(
        (node for node in operation.selection_set.selections if isinstance(node, FieldNode)), None
    )
    return f"{operation.operation.value}.{first.name.value if first else 'fragment'}"


class OutOfRange:
    """Stands, in a second parse of refused JSON, for a number no double holds."""

    def __init__(self, number: str) -> None:
        self.number = number


def _finite_float(token: str) -> float:
    if not finite(token):
        raise ValueError(token)
    return float(token)


def _mark(token: str) -> Any:
    return None if finite(token) else OutOfRange(token)


def out_of_range_at(text: str) -> tuple[list[str], str] | None:
    """Where JSON that strict parsing refused holds NaN, ±Infinity or a number out of a double's
    range (an integer of 4,300 digits makes ``int()`` raise), and that number; None when it is
    malformed otherwise. Parses ``text`` again, so it costs only refused requests."""
    try:
        value = json.loads(text, parse_constant=_mark, parse_float=_mark, parse_int=_mark)
    except (ValueError, RecursionError):
        return None
    stack: list[tuple[Any, list[str]]] = [(value, [])]
    while stack:
        item, path = stack.pop()
        if isinstance(item, OutOfRange):
            return path, item.number
        if isinstance(item, dict):
            stack.extend((child, [*path, key]) for key, child in item.items())
        elif isinstance(item, list):
            stack.extend((child, [*path, str(index)]) for index, child in enumerate(item))
    return None


class BadNumber(HttpError):
    """A number out of range, named by where it is in the request; ``field`` names a variable's
    input field as variable-coercion errors do (``errors.variable_field``)."""

    def __init__(self, path: list[str], number: str) -> None:
        message = out_of_range(".".join(path) or "The request body", number)
        super().__init__(bad_request(message), message)
        variable = path[1:] if path[:1] == ["variables"] else []
        self.field = field_name(variable[0], variable[1:]) if variable else None


def strict_json(text: str, what: str, path: tuple[str, ...] = ()) -> Any:
    """``json.loads`` refusing what the database's JSON cannot hold (NaN, ±Infinity, numbers out
    of a double's range): a 400 naming where the number is (``text`` sits at ``path`` in the
    request)."""
    try:
        return json.loads(text, parse_constant=_finite_float, parse_float=_finite_float)
    except RecursionError as exc:
        # json.loads of "[[[[…" within the size limit: the client's fault, not a 500.
        raise HttpError(bad_request(f"{what} is nested too deeply")) from exc
    except ValueError as exc:
        located = out_of_range_at(text)
        if located is not None:
            inner, number = located
            raise BadNumber([*path, *inner], number) from exc
        raise HttpError(bad_request(f"{what} is not valid JSON")) from exc


class CampaignGraphQLView(GraphQLView):
    execution_context_class = ExecutionContext
    validation_rules = VALIDATION_RULES

    # graphene-django's, without its ensure_csrf_cookie: the endpoint takes tokens, never
    # cookies, and minting a CSRF cookie for every answer cost each request two random strings
    # and a Set-Cookie header (tests/benchmarks/profile_requests.py).
    dispatch = GraphQLView.dispatch.__wrapped__  # type: ignore[attr-defined]

    def json_encode(self, request: HttpRequest, d: Any, pretty: bool = False) -> str | bytes:
        """orjson for the compact answer, several times faster than ``json.dumps`` on large
        lists; ``json`` still pretty-prints, and encodes what orjson refuses (an integer
        beyond 64 bits in a JSON value). Bytes go to the response as they are."""
        if not (self.pretty or pretty or request.GET.get("pretty")):
            try:
                return orjson.dumps(d)
            except TypeError:
                pass
        return super().json_encode(request, d, pretty)  # type: ignore[no-any-return]

    def parse_body(self, request: HttpRequest) -> Any:
        if self.get_content_type(request) != "application/json":
            return super().parse_body(request)
        # graphene-django's, with the JSON parsed strictly.
        try:
            body = request.body.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise HttpError(bad_request("The request body is not UTF-8")) from exc
        data = strict_json(body, "The request body")
        if self.batch:
            if not isinstance(data, list) or not data:
                raise HttpError(bad_request("A batch request is a non-empty JSON array"))
        elif not isinstance(data, dict):
            raise HttpError(bad_request("The received data is not a valid JSON query."))
        return data

    @staticmethod
    def get_graphql_params(request: HttpRequest, data: Any) -> tuple[Any, Any, Any, Any]:
        """The request's parameters, refused when they have the wrong JSON types: graphql-core
        would otherwise fail on them with a TypeError, reported as an internal error."""
        query = request.GET.get("query") or data.get("query")
        variables = request.GET.get("variables") or data.get("variables")
        id_ = request.GET.get("id") or data.get("id")
        if variables and isinstance(variables, str):
            variables = strict_json(variables, "variables", ("variables",))
        operation_name = request.GET.get("operationName") or data.get("operationName")
        if operation_name == "null":
            operation_name = None
        variables = variables or None  # "" or [] from a lax client: no variables
        if query is not None and not isinstance(query, str):
            raise HttpError(bad_request("query must be a string"))
        if variables is not None and not isinstance(variables, dict):
            raise HttpError(bad_request("variables must be a JSON object"))
        if operation_name is not None and not isinstance(operation_name, str):
            raise HttpError(bad_request("operationName must be a string"))
        return query, variables, operation_name, id_

    def execute_graphql_request(
        self,
        request: HttpRequest,
        data: Any,
        query: str | None,
        variables: dict[str, Any] | None,
        operation_name: str | None,
        show_graphiql: bool = False,
    ) -> ExecutionResult | None:
        """graphene-django's, with parsed and validated documents reused across requests."""
        if not query:
            if show_graphiql:
                return None
            raise HttpError(bad_request("Must provide query string."))
        schema = self.schema.graphql_schema
        checker = cached_check_document if len(query) <= CACHEABLE_QUERY_CHARS else check_document
        document, errors = checker(schema, query)
        if errors or document is None:
            return ExecutionResult(data=None, errors=list(errors))
        operation = get_operation_ast(document, operation_name)
        name_graphql_operation(request, operation_label(operation))
        if (
            request.method == "GET"
            and operation is not None
            and operation.operation != OperationType.QUERY
        ):
            if show_graphiql:
                return None
            raise HttpError(
                HttpResponseNotAllowed(
                    ["POST"],
                    f"Only a POST request may perform a {operation.operation.value}.",
                )
            )
        refused = refused_variables(schema, document, operation, variables)
        if refused:
            return ExecutionResult(data=None, errors=refused)
        context = self.get_context(request)
        context.operation_request = (query, variables, operation_name)
        try:
            return execute(  # type: ignore[return-value]
                schema,
                document,
                root_value=self.get_root_value(request),
                context_value=context,
                variable_values=variables,
                operation_name=operation_name,
                middleware=self.get_middleware(request),
                execution_context_class=self.execution_context_class,
            )
        except Exception as error:
            return ExecutionResult(errors=[GraphQLError(str(error), original_error=error)])

    def get_context(self, request: HttpRequest) -> GraphQLContext:
        return GraphQLContext(request)

    @staticmethod
    def format_error(error: Exception) -> dict[str, Any]:
        formatted = format_error(error)
        if isinstance(error, BadNumber) and error.field:
            formatted["extensions"]["field"] = error.field
            formatted["extensions"]["code"] = RequestErrorCode.BAD_USER_INPUT
        return formatted
