"""What measuring a request costs (issue 14): the observation middleware (request id, the HTTP and
GraphQL-operation histograms, the response counter) around a view that does nothing, against the
same view called bare, measured in the same run; once with metrics kept per process and once in
prometheus-client's multiprocess mode (memory-mapped files, as ``make up`` and compose run).

Run from the repository root: ``.venv/bin/python -m tests.benchmarks.bench_observation``.
Prints figures, no verdicts.
"""

import os
import subprocess
import sys
import tempfile

ROUNDS = 7
CALLS = 20_000

CHILD = """
import os, statistics, sys, time
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
import django
django.setup()
from django.http import HttpResponse
from django.test import RequestFactory
from api.observation_middleware import ObservationMiddleware, name_graphql_operation

def view(request):
    name_graphql_operation(request, "query.settlements")
    return HttpResponse()

request = RequestFactory().post("/graphql", HTTP_X_REQUEST_ID="bench-1")
observed = ObservationMiddleware(view)

def per_call(handler):
    started = time.perf_counter()
    for _ in range({calls}):
        handler(request)
    return (time.perf_counter() - started) / {calls}

bare, measured = [], []
for _ in range({rounds}):
    bare.append(per_call(view))
    measured.append(per_call(observed))
print(statistics.median(bare), statistics.median(measured))
"""


def run(multiprocess_dir: str | None) -> tuple[float, float]:
    env = {k: v for k, v in os.environ.items() if k != "PROMETHEUS_MULTIPROC_DIR"}
    if multiprocess_dir:
        env["PROMETHEUS_MULTIPROC_DIR"] = multiprocess_dir
    output = subprocess.run(
        [sys.executable, "-c", CHILD.format(calls=CALLS, rounds=ROUNDS)],
        env=env,
        check=True,
        capture_output=True,
        text=True,
    ).stdout.split()
    return float(output[-2]), float(output[-1])


def main() -> None:
    with tempfile.TemporaryDirectory() as directory:
        for name, path in (("per process", None), ("multiprocess", directory)):
            bare, measured = run(path)
            print(
                f"{name:12}  bare view {bare * 1e6:6.1f} µs  with the middleware "
                f"{measured * 1e6:6.1f} µs  cost {(measured - bare) * 1e6:5.1f} µs a request "
                f"(median of {ROUNDS} rounds of {CALLS})"
            )


if __name__ == "__main__":
    main()
