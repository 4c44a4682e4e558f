"""Completed answers of the entity lists (kingdomsByCampaign, settlementsByKingdom,
structuresBySettlement) and of the single kingdom, settlement and structure, kept across requests
and replicas in the cache (docs/decisions.md §27, §29).

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
name and a digest of the document, its variables and operation name. The reader is authorized for
the parent before a kept answer is used — from the parent's address once it is verified
(api/graphql/addresses.py), without reading its row — and an answer must not depend on who reads
it beyond that: no type under these fields has a field that does.

An answer is kept only when its field completed without an error.
"""

import hashlib
import time
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass
from typing import Any

import orjson
from django.core.cache import cache
from graphene import ResolveInfo
from graphql import GraphQLError

from api.graphql import addresses
from api.graphql.addresses import Address
from campaign.actions import entities
from campaign.models import Campaign, Role
from campaign.permissions import READ, require_role
from kernel import cache_stats, generations
from kernel.errors import NotFound

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


@dataclass(frozen=True)
class Parent:
    """What a root field's answer hangs off, as the request names it: ``name`` (its kind, id
    and branch argument); ``locate`` finding it through the ORM, authorized for ``minimum``, with
    its address; ``hidden`` the error a reader who may not see it gets (what ``locate`` raises
    for them)."""

    name: Hashable
    locate: Callable[[], tuple[Any, Address | None]]
    hidden: Callable[[], NotFound]
    minimum: Role = READ


def remember(info: ResolveInfo, namespace: str, parent: Parent, load: Callable[[Any], Any]) -> Any:
    """This root field's kept answer under ``parent``, or ``load(row)``'s rows, whose completed
    answer is kept once the operation has run; ``namespace`` is the ``kernel.cache_stats``
    namespace that counts it.

    A kept answer is authorized from the parent's verified address without reading its row
    (api/graphql/addresses.py); an answer is computed, to be kept, only from rows read after the
    generations it is kept with (a parent read before them could predate a write they count).
    """
    request = digest(info.context.operation_request)
    if request is None:
        return load(parent.locate()[0])
    address = addresses.book.get(parent.name)
    # Found here, before the generations are read: authorized, but too early to keep an answer of.
    found_early = address is None
    if address is None:
        early, address = parent.locate()
        if address is None:
            return load(early)  # nothing is kept under what has no address
        addresses.book.learn(parent.name, address)
    key = f"{PREFIX}:{namespace}:{address.parent_pk}:{info.path.key}:{request}"
    current, kept = _current(info, address.generation_keys, key)
    if current is None:
        return load(early if found_early else parent.locate()[0])
    fresh = kept is not None and kept[0] == current
    if found_early and fresh:
        return _hit(namespace, kept)
    if not found_early and address.holds_at(current):
        _authorize(info, address, parent)
        if fresh:
            return _hit(namespace, kept)
        found = parent.locate()[0]
    else:
        # Found again, after the generations were read: an answer kept under them is made of
        # rows no older than they are, and the address is verified at them.
        found, located = parent.locate()
        if located is None:
            return load(found)
        addresses.book.learn(parent.name, located.verified_at(current))
        if fresh:
            return _hit(namespace, kept)
    info.context.pending_answers.append(
        Pending(namespace, key, str(info.path.key), current, time.perf_counter())
    )
    return load(found)


def remember_own(info: ResolveInfo, namespace: str, load: Callable[[], Any]) -> Any:
    """A root field whose answer is the reader's own (the campaigns they read), kept for them
    under the generation of what every campaign list is made of (kernel/generations.py
    ``CAMPAIGNS``): there is no parent to authorize, only the reader, whom the key names with
    all that decides what they read (a superuser reads every campaign; a key restricted to a
    campaign, that one)."""
    actor = info.context.actor
    request = digest(info.context.operation_request)
    if actor.user is None or request is None:
        return load()
    reader = f"{actor.user.pk}:{int(actor.user.is_superuser)}:{actor.campaign_id}"
    key = f"{PREFIX}:{namespace}:{reader}:{info.path.key}:{request}"
    current, kept = _current(info, [generations.CAMPAIGNS], key)
    if current is None:
        return load()
    if kept is not None and kept[0] == current:
        return _hit(namespace, kept)
    info.context.pending_answers.append(
        Pending(namespace, key, str(info.path.key), current, time.perf_counter())
    )
    return load()


def _current(info: ResolveInfo, keys: Sequence[str], key: str) -> tuple[list[int] | None, Any]:
    """The generations under ``keys``, and the answer kept under ``key``, read together; None for
    generations that cannot be kept under (a lost one another reader started meanwhile). While
    the reader is not known yet, their token's user stamp comes in the same round trip, for the
    actor to be resolved without one of its own (api/graphql/context.py)."""
    reader = info.context.user_stamp_key()
    others = [reader[1]] if reader is not None else []
    current, kept, read = generations.current_with(keys, key, *others)
    if reader is not None:
        info.context.user_stamp = (reader[0], read[0])
    if all(current):
        return current, kept
    missing = [k for k, g in zip(keys, current, strict=True) if not g]
    started = generations.start(missing)
    if len(started) < len(missing):
        return None, None
    return [started.get(k, g) for k, g in zip(keys, current, strict=True)], None


def _authorize(info: ResolveInfo, address: Address, parent: Parent) -> None:
    """What finding the parent checks, from its address: a signed-in member of its campaign with
    the role it needs."""
    actor = info.context.actor
    entities.require_authenticated(actor)
    campaign = Campaign(id=address.campaign_pk, owner_id=address.owner_pk)
    require_role(actor, campaign, parent.minimum, parent.hidden())


def _hit(namespace: str, kept: tuple[list[int], Any]) -> Answered:
    cache_stats.count(namespace, hits=1)
    return Answered(kept[1])


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
