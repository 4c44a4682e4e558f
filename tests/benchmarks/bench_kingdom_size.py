"""A kingdom's settlements with their structures and locations, as the kingdom grows (issue 15):
``settlementsByKingdom`` for kingdoms of 100, 300 and 1,000 settlements x 10 structures, in-process
through config.wsgi, with the rows it returns (at most 500 settlements, each with at most 500
structures) and the time per returned row — which stays flat when the time is linear in what is
returned. Each answer is timed as built (a variable the document ignores makes each request
new to the answer cache, api/graphql/answers.py) and as kept (the same request again).
Baseline in the same run: ``{ campaigns { id name } }``.

Run from the repository root: ``.venv/bin/python -m tests.benchmarks.bench_kingdom_size``. It
builds a throwaway test database on the configured backend and prints figures, no verdicts.
"""

import itertools
import json
import statistics
import time

from tests.benchmarks.harness import throwaway_databases  # first: it sets Django up

# isort: split
from django.db import connection

from tests.benchmarks import request_scene
from tests.wsgi import wsgi_request

SIZES = (100, 300, 1000)
STRUCTURES = 10
RUNS = 7
_fresh = itertools.count()


def new_to_the_cache(body: bytes) -> bytes:
    request = json.loads(body)
    request["variables"] = {**(request["variables"] or {}), "benchRun": next(_fresh)}
    return json.dumps(request).encode()


def timed(body: bytes, token: str, built: bool = False) -> tuple[float, dict[str, object]]:
    headers = [("Content-Type", "application/json")]
    times = []
    answer: dict[str, object] = {}
    for _ in range(RUNS):
        if built:
            body = new_to_the_cache(body)
        started = time.perf_counter()
        response = wsgi_request("POST", "/graphql", body=body, headers=headers, token=token)
        times.append(time.perf_counter() - started)
        answer = json.loads(response.body)
    assert "errors" not in answer, answer
    return statistics.median(times), answer


def main() -> None:
    with throwaway_databases():
        print(
            f"{connection.vendor}; settlementsByKingdom with structures and location; p50 of {RUNS}"
        )
        print(
            f"{'settlements':>11} {'returned':>9} {'rows':>6} {'built ms':>9} {'µs/row':>8}"
            f" {'kept ms':>8}"
        )
        for size in SIZES:
            scene = request_scene.seed(settlements=size, structures=STRUCTURES, name=f"k{size}")
            baseline, _ = timed(request_scene.requests(scene)[2].body, scene.token)
            body = request_scene.requests(scene)[5].body
            seconds, answer = timed(body, scene.token, built=True)
            kept, _ = timed(body, scene.token)
            listed = answer["data"]["settlementsByKingdom"]  # type: ignore[index]
            rows = len(listed) + sum(len(s["structures"]) for s in listed)
            print(
                f"{size:11} {len(listed):9} {rows:6} {1000 * seconds:9.1f}"
                f" {1e6 * seconds / rows:8.1f} {1000 * kept:8.1f}"
                f"   (campaigns: {1000 * baseline:.2f} ms)"
            )


if __name__ == "__main__":
    main()
