"""The request body limit (issue 7, item 2) over the real ASGI application: a body longer than
MAX_BODY_BYTES, chunked (no Content-Length) or declared, is answered 413 with the JSON error
envelope, and the server stops reading it at the limit (the chunks after it stay unread)."""

from dataclasses import dataclass
from typing import Any

import pytest

from api.graphql.limits import MAX_BODY_BYTES
from tests.asgi import asgi_request

CHUNK = 64 * 1024
QUERY = b'{"query": "{ __typename }"}'


@dataclass(frozen=True)
class Answer:
    status: int
    body: Any
    unread_chunks: int


async def post(
    path: str, chunks: list[bytes], headers: list[tuple[bytes, bytes]] | None = None
) -> Answer:
    """POST ``chunks`` as one http.request message each (``more_body`` until the last), without
    a Content-Length unless ``headers`` declare one, as a server passes on a chunked upload."""
    response = await asgi_request(
        "POST",
        path,
        chunks=chunks,
        headers=[(b"content-type", b"application/json"), *(headers or [])],
    )
    return Answer(response.status, response.json(), response.unread_chunks)


def chunked(total: int) -> list[bytes]:
    """``total`` bytes of a JSON body, in 64 KiB chunks."""
    padding = total - len(b'{"query": "{ __typename }", "variables": {"p": ""}}')
    body = b'{"query": "{ __typename }", "variables": {"p": "' + b"x" * padding + b'"}}'
    return [body[start : start + CHUNK] for start in range(0, len(body), CHUNK)]


GRAPHQL_REFUSAL = {
    "errors": [
        {
            "message": f"The request body exceeds {MAX_BODY_BYTES} bytes",
            "extensions": {"code": "BAD_REQUEST"},
        }
    ]
}


async def test_a_chunked_body_over_the_limit_is_413_and_read_no_further() -> None:
    # Given a 2 MB body sent in 64 KiB chunks, with no Content-Length
    chunks = chunked(2 * 1024 * 1024)

    # When it is posted to /graphql
    answer = await post("/graphql", chunks)

    # Then it is refused with JSON, having read one chunk past the limit and no more
    assert answer.status == 413
    assert answer.body == GRAPHQL_REFUSAL
    read = MAX_BODY_BYTES // CHUNK + 1
    assert answer.unread_chunks == len(chunks) - read


async def test_a_declared_length_over_the_limit_is_413_before_reading() -> None:
    # Given a body declaring one byte more than the limit
    chunks = chunked(MAX_BODY_BYTES + 1)
    length = [(b"content-length", str(MAX_BODY_BYTES + 1).encode())]

    # When it is posted
    answer = await post("/graphql", chunks, length)

    # Then it is refused without reading any of it
    assert answer.status == 413
    assert answer.body == GRAPHQL_REFUSAL
    assert answer.unread_chunks == len(chunks)


@pytest.mark.parametrize("length", [b"abc", b"-1", b"99999999999999999999"])
async def test_a_bad_content_length_is_413(length: bytes) -> None:
    # When a request declares a length that is not a sane number
    answer = await post("/graphql", [QUERY], [(b"content-length", length)])

    # Then it is refused without reading the body
    assert answer.status == 413
    assert answer.unread_chunks == 1


async def test_rest_endpoints_get_their_own_envelope() -> None:
    # When a chunked body over the limit is posted to a REST endpoint
    answer = await post("/auth/login", chunked(2 * 1024 * 1024))

    # Then the refusal is the REST API's JSON error
    assert answer.status == 413
    message = f"The request body exceeds {MAX_BODY_BYTES} bytes"
    assert answer.body == {"error": {"code": "BAD_REQUEST", "message": message}}


async def test_a_small_chunked_request_is_answered() -> None:
    # Given a query split over three chunks
    chunks = [QUERY[:5], QUERY[5:12], QUERY[12:]]

    # When it is posted
    answer = await post("/graphql", chunks)

    # Then it runs
    assert answer.status == 200
    assert answer.body == {"data": {"__typename": "Query"}}


async def test_a_chunked_body_of_exactly_the_limit_is_answered() -> None:
    # Given a body of exactly MAX_BODY_BYTES, in chunks
    chunks = chunked(MAX_BODY_BYTES)
    assert sum(map(len, chunks)) == MAX_BODY_BYTES

    # When it is posted
    answer = await post("/graphql", chunks)

    # Then it is read whole and runs
    assert answer.status == 200
    assert answer.body == {"data": {"__typename": "Query"}}
