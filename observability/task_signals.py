"""Celery hooks: a task carries the request id of whoever enqueued it into its own log lines, and
every run counts in ``cm_celery_tasks_total`` by its final state (success, failure, retry) and in
``cm_celery_task_duration_seconds``. Connected when imported (``config/celery.py`` imports it)."""

import os
import time
from typing import Any

from celery import signals
from prometheus_client import REGISTRY, CollectorRegistry, start_http_server
from prometheus_client.multiprocess import MultiProcessCollector

from observability import metrics, request_ids

HEADER = "request_id"
_started: dict[str, float] = {}


@signals.before_task_publish.connect
def _carry_request_id(headers: dict[str, Any] | None = None, **_: Any) -> None:
    request_id = request_ids.current()
    if headers is not None and request_id is not None:
        headers.setdefault(HEADER, request_id)


@signals.task_prerun.connect
def _bind_task(task_id: str, task: Any, **_: Any) -> None:
    if task.request.is_eager:
        # Run in-process (embedded default): the caller's context, request id included, holds.
        return
    sent = getattr(task.request, HEADER, None)
    request_ids.bind(request_ids.accept(sent), task=task.name, task_id=task_id)
    _started[task_id] = time.perf_counter()


@signals.task_postrun.connect
def _unbind_task(task_id: str, task: Any, state: str | None = None, **_: Any) -> None:
    started = _started.pop(task_id, None)
    if started is not None:
        metrics.TASK_SECONDS.labels(task.name).observe(time.perf_counter() - started)
    metrics.TASKS.labels(task.name, (state or "unknown").lower()).inc()
    if not task.request.is_eager:
        request_ids.clear()


@signals.worker_init.connect
def _serve_metrics(**_: Any) -> None:
    """With ``METRICS_PORT`` set (docker/compose.yml), the worker serves its processes' metrics
    for Prometheus; under ``make up`` the web replicas already read them from the shared
    ``PROMETHEUS_MULTIPROC_DIR``. No token: bind it to a private network only."""
    port = os.environ.get("METRICS_PORT")
    if not port:
        return
    registry = REGISTRY
    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        MultiProcessCollector(registry)
    start_http_server(int(port), registry=registry)
