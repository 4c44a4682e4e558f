"""Hostile GraphQL requests (issue 7, items 1 and 2): for each family, the worst request that fits
the 1 MiB body limit, sent anonymously through the ASGI application the web processes run, and
the time until it is refused — against a baseline measured in the same run: an ordinary small
query, ``{ health { status } }``, as served (its checked document cached).

Each family is sent in several sizes, since a larger document is often refused by a cheaper,
earlier limit: the slowest of them is the family's figure. Hostile documents are sent with the
cache of checked documents emptied, as an attacker varying the document would. A request is timed
from when its first message reaches the application to the end of the answer, its messages all
queued already: the figures are the application's work, not the network's.

Run from the repository root: ``.venv/bin/python -m tests.benchmarks.bench_hostile_documents``.
It builds a throwaway test database on the configured backend and prints figures, no verdicts.
"""

import asyncio
import json
import statistics
import time
from collections.abc import Callable
from contextlib import closing
from dataclasses import dataclass

from tests.benchmarks.harness import throwaway_databases  # first: it sets Django up

# isort: split
from api.graphql.limits import (
    MAX_BODY_BYTES,
    MAX_FRAGMENTS,
    MAX_QUERY_CHARS,
)
from api.graphql.view import cached_check_document
from tests.asgi import asgi_request

RUNS = 7
CHUNK = 64 * 1024
MiB = MAX_BODY_BYTES
LENGTH = MAX_QUERY_CHARS
BASELINE = "{ health { status } }"
TARGET_MS = 50


@dataclass(frozen=True)
class Request:
    name: str
    body: bytes
    chunked: bool = False  # no Content-Length, sent in 64 KiB chunks


def query(document: str) -> bytes:
    return json.dumps({"query": document}).encode()


def largest(unit: str, head: str = "{ ", tail: str = "}", within: int = MAX_BODY_BYTES) -> str:
    """``head`` + ``unit`` repeated as often as the body limit allows + ``tail``."""
    room = within - len(query(head + tail))
    return head + unit * (room // len(json.dumps(unit)[1:-1])) + tail


def doubling(levels: int) -> str:
    fragments = [f"fragment F{i} on Query {{ ...F{i + 1} ...F{i + 1} }}" for i in range(levels - 1)]
    fragments.append(f"fragment F{levels - 1} on Query {{ __typename }}")
    return "{ ...F0 } " + " ".join(fragments)


def nested(depth: int) -> str:
    return "{ " + "a { " * depth + "b" + " }" * depth + " }"


def repeated(unit: str, times: int) -> bytes:
    return query("{ " + unit * times + "}")


ALIAS = "a: __typename "
HEALTH = "x: health { status } "
TYPENAME = "__typename "
INTS = ("0 ", "{ health(x: [", "]) { status } }")
STRING = ("x", '{ __type(name: "', '") { name } }')

FAMILIES: dict[str, list[Request]] = {
    "fragment doubling": [
        Request("24 levels (the issue's 1 KB)", query(doubling(24))),
        Request(f"{MAX_FRAGMENTS} levels (the fragment limit)", query(doubling(MAX_FRAGMENTS))),
        Request("299 levels (the token limit)", query(doubling(299))),
    ],
    "alias flood": [
        Request("a: __typename x 6,000 (the issue's 84 KB)", repeated(ALIAS, 6000)),
        Request("a: __typename x 999 (the token limit)", repeated(ALIAS, 999)),
        Request("a: __typename filling 1 MiB", query(largest(ALIAS))),
    ],
    "field flood over health": [
        Request("x: health { status } x 3,000 (the issue's)", repeated(HEALTH, 3000)),
        Request("x: health { status } x 499 (within the cost)", repeated(HEALTH, 499)),
        Request("x: health { status } filling 1 MiB", query(largest(HEALTH))),
    ],
    "deep nesting": [
        Request("150 levels (parsed, over the depth)", query(nested(150))),
        Request("1,499 levels (the token limit)", query(nested(1499))),
        Request("{ a { filling 1 MiB", query(largest("a { "))),
    ],
    "token flood": [
        Request(
            "__typename filling the length limit", query(largest("__typename ", within=LENGTH))
        ),
        Request("list of ints filling the length limit", query(largest(*INTS, within=LENGTH))),
        Request("one string filling the length limit", query(largest(*STRING, within=LENGTH))),
    ],
    "large body": [
        Request("2 MB, chunked", query(largest("a", within=2 * MiB)), chunked=True),
        Request("20 MB, chunked", query(largest("a", within=20 * MiB)), chunked=True),
        Request("20 MB, Content-Length", query(largest("a", within=20 * MiB))),
    ],
}


async def send(request: Request) -> tuple[float, int, str]:
    """(seconds until the whole answer arrived, HTTP status, first error message)."""
    headers = [(b"content-type", b"application/json")]
    chunks = [request.body]
    if request.chunked:
        chunks = [request.body[i : i + CHUNK] for i in range(0, len(request.body), CHUNK)]
    else:
        headers.append((b"content-length", str(len(request.body)).encode()))
    started = time.perf_counter()
    response = await asgi_request("POST", "/graphql", chunks=chunks, headers=headers, timeout=60)
    elapsed = time.perf_counter() - started
    errors = response.json().get("errors") or [{"message": "(answered)"}]
    return elapsed, response.status, errors[0]["message"]


def median_of(run: Callable[[], tuple[float, int, str]]) -> tuple[float, int, str]:
    results = [run() for _ in range(RUNS)]
    return statistics.median(r[0] for r in results), results[0][1], results[0][2]


def main() -> None:
    with throwaway_databases(), closing(asyncio.new_event_loop()) as loop:

        def baseline() -> tuple[float, int, str]:
            return loop.run_until_complete(send(Request("baseline", query(BASELINE))))

        def cold(request: Request) -> Callable[[], tuple[float, int, str]]:
            def run() -> tuple[float, int, str]:
                cached_check_document.cache_clear()
                return loop.run_until_complete(send(request))

            return run

        baseline()  # warm the code paths and the document cache
        base, status, _ = median_of(baseline)
        print(f"baseline {BASELINE} (HTTP {status}): median {base * 1000:.2f} ms of {RUNS}")
        print(f"time to refusal, median of {RUNS}, against the baseline (target < {TARGET_MS} ms)")
        for family, requests in FAMILIES.items():
            print(f"\n{family}")
            worst = 0.0
            for request in requests:
                seconds, status, message = median_of(cold(request))
                worst = max(worst, seconds)
                size = f"{len(request.body) / 1024:,.0f} KiB"
                print(
                    f"  {request.name:46s} {size:>11s}  HTTP {status}  {seconds * 1000:7.2f} ms"
                    f"  {seconds / base:6.1f}x  {message[:70]}"
                )
            print(f"  WORST {worst * 1000:.2f} ms = {worst / base:.1f}x the baseline")


if __name__ == "__main__":
    main()
