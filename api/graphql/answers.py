"""Completed answers of the entity lists (kingdomsByCampaign, settlementsByKingdom,
structuresBySettlement) and of the single kingdom, settlement and structure, kept across requests
and replicas in the cache (docs/decisions.md §27).

A kingdom's settlements with their structures and locations cost far more to build — rows from
three queries, a thousand field resolutions — than to send, and the single-page app asks for the
same few documents over and over (issue 15). So the first answer to a document is kept as the
executor completed it (plain JSON values), and the next identical request is answered with it,
its rows never read and its resolvers never run.

What an answer holds is decided by the rows of one branch (the generation of the branch: rows,
rules, variables, its clock) and the map of its world (the map's generation: locations), besides
what never changes (ids, the campaign's owner). An answer is kept with both generations as they
were read before its rows, and used only while they are still current, so a committed write is
never answered stale and nothing is deleted (kernel/generations.py); the generations and the
kept answer are read together, in one round trip. The key names the parent, the field's response
name and a digest of the document, its variables and operation name. The parent is authorized
before the cache is read, and an answer must not depend on who reads it beyond that: no type
under these fields has a field that does.

An answer is kept only when its field completed without an error.
"""

import hashlib
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import orjson
from django.core.cache import cache
from graphene import ResolveInfo
from graphql import GraphQLError

from campaign.models import Branch
from kernel import cache_stats, generations

TTL = 300
# kernel/cache_inventory.py counts the entries by this prefix.
PREFIX = "answer"


@dataclass(frozen=True)
class Answered:
    """A field's completed value, which the executor returns as it is (api/graphql/execution.py)."""

    value: Any


@dataclass(frozen=True)
class Pending:
    namespace: str
    key: str
    response_name: str
    generations: list[int]
    began: float


def digest(request: tuple[str, Any, str | None] | None) -> str | None:
    """What, besides the parent and the generations, an answer depends on: the request (query,
    variables, operation name); None when it cannot be told apart from others (variables nested
    deeper or holding larger integers than orjson encodes), whose answers are not kept."""
    if request is None:
        return None
    try:
        encoded = orjson.dumps(request, option=orjson.OPT_SORT_KEYS)
    except TypeError:
        return None
    return hashlib.blake2b(encoded, digest_size=16).hexdigest()


def remember(
    info: ResolveInfo, namespace: str, branch: Branch, parent: Any, load: Callable[[], Any]
) -> Any:
    """This root field's kept answer under ``parent`` (a row of ``branch``, or the branch), or
    ``load()``'s rows, whose completed answer is kept once the operation has run;
    ``namespace`` is the ``kernel.cache_stats`` namespace that counts it."""
    request = digest(info.context.operation_request)
    if request is None:
        return load()
    campaign = branch.campaign
    response_name = info.path.key
    key = f"{PREFIX}:{namespace}:{parent.pk}:{response_name}:{request}"
    current, kept = generations.current_with(
        [generations.key(campaign.pk, branch.pk), generations.map_key(campaign.world_id)], key
    )
    if kept is not None and kept[0] == current:
        cache_stats.count(namespace, hits=1)
        return Answered(kept[1])
    info.context.pending_answers.append(
        Pending(namespace, key, str(response_name), current, time.perf_counter())
    )
    return load()


def keep(pending: list[Pending], data: dict[str, Any] | None, errors: list[GraphQLError]) -> None:
    """Keep the answers of the operation that just ran whose fields completed without error."""
    failed = {error.path[0] for error in errors if error.path}
    for answer in pending:
        if data is None or answer.response_name in failed or answer.response_name not in data:
            cache_stats.count(answer.namespace, misses=1)
            continue
        cache.set(answer.key, (answer.generations, data[answer.response_name]), TTL)
        compute_ms = cache_stats.elapsed_ms(answer.began)
        cache_stats.count(answer.namespace, misses=1, sets=1, compute_ms=compute_ms)
