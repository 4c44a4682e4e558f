"""Every Prometheus metric the processes export, and the small API code calls to feed them.

With ``PROMETHEUS_MULTIPROC_DIR`` set (``make up``, docker/), every process writes its samples to
memory-mapped files in that directory and ``/metrics`` on any replica sums them over all processes
of the host (web server workers, daphne, Celery). Without it each process counts for itself.

Labels stay bounded by the schema and the code, never by what a client sends: a GraphQL operation
is named by its type and first root field (``query.settlements``), not by ``operationName``.
Observing a histogram costs a few microseconds, so every hot path is measured once per request or
per batch, never per row.
"""

from prometheus_client import Counter, Gauge, Histogram

# Buckets around the latency targets (p99 < 100 ms at 100 clients): fine below 100 ms.
LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.075, 0.1, 0.15, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0)

HTTP_REQUEST_SECONDS = Histogram(
    "cm_http_request_duration_seconds",
    "Time to answer an HTTP request, by route group and method.",
    ["route", "method"],
    buckets=LATENCY_BUCKETS,
)
HTTP_RESPONSES = Counter(
    "cm_http_responses_total", "HTTP responses by route group and status code.", ["route", "status"]
)
GRAPHQL_OPERATION_SECONDS = Histogram(
    "cm_graphql_operation_duration_seconds",
    "Time to answer a GraphQL request over HTTP, by operation type and first root field.",
    ["operation"],
    buckets=LATENCY_BUCKETS,
)
GRAPHQL_ERRORS = Counter(
    "cm_graphql_errors_total", "GraphQL errors returned to clients, by extensions.code.", ["code"]
)
CACHE_REQUESTS = Counter(
    "cm_cache_requests_total", "Cache look-ups of the default cache, by result.", ["result"]
)
RULE_EVALUATION_SECONDS = Histogram(
    "cm_rule_evaluation_duration_seconds",
    "Time to evaluate one batch of rules (computed fields of a list, a scope's state variables).",
    ["kind"],
    buckets=(0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 5.0),
)
TASKS = Counter(
    "cm_celery_tasks_total", "Celery task runs by task name and outcome.", ["task", "outcome"]
)
TASK_SECONDS = Histogram(
    "cm_celery_task_duration_seconds", "Celery task run time, by task name.", ["task"]
)
# livesum: the sum over the processes alive now; a killed replica's connections vanish with it.
WEBSOCKET_CONNECTIONS = Gauge(
    "cm_websocket_connections",
    "Open WebSocket connections, by protocol.",
    ["protocol"],
    multiprocess_mode="livesum",
)
WEBSOCKET_DISCONNECTS = Counter(
    "cm_websocket_disconnects_total",
    "WebSocket connections closed, by protocol and whether the client or the server closed it.",
    ["protocol", "by"],
)
SUBSCRIPTIONS = Gauge(
    "cm_subscriptions",
    "Active subscriptions (GraphQL subscriptions and Socket.IO rooms), by protocol.",
    ["protocol"],
    multiprocess_mode="livesum",
)

CACHE_HIT = CACHE_REQUESTS.labels("hit")
CACHE_MISS = CACHE_REQUESTS.labels("miss")


def cache_lookups(hits: int, misses: int) -> None:
    if hits:
        CACHE_HIT.inc(hits)
    if misses:
        CACHE_MISS.inc(misses)


def graphql_error(code: str) -> None:
    GRAPHQL_ERRORS.labels(code).inc()


# --- The WebSocket consumers' API ------------------------------------------------------------


def websocket_opened(protocol: str) -> None:
    """A consumer accepted a connection; ``protocol`` is ``graphql-transport-ws`` or
    ``socket.io``."""
    WEBSOCKET_CONNECTIONS.labels(protocol).inc()


def websocket_closed(protocol: str, *, by_client: bool) -> None:
    """A connection that ``websocket_opened`` counted closed (call it once per opened one)."""
    WEBSOCKET_CONNECTIONS.labels(protocol).dec()
    WEBSOCKET_DISCONNECTS.labels(protocol, "client" if by_client else "server").inc()


def subscription_started(protocol: str) -> None:
    SUBSCRIPTIONS.labels(protocol).inc()


def subscription_stopped(protocol: str, count: int = 1) -> None:
    """``count`` subscriptions ended (a closing connection ends all of its own at once)."""
    SUBSCRIPTIONS.labels(protocol).dec(count)
