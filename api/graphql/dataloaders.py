"""Request-scoped DataLoaders (docs/decisions.md §14) on graphql-sync-dataloaders.

One loader class per access path; ``Loader.of(info)`` returns the request's instance, so every
resolver of one request shares its batches and cache. ``batch_load`` returns values in key order.
"""

from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable, Sequence
from typing import Any, ClassVar, Generic, TypeVar

from graphene import ResolveInfo
from graphql_sync_dataloaders import SyncDataLoader
from graphql_sync_dataloaders.sync_future import SyncFuture

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class Loader(SyncDataLoader, Generic[K, V]):  # type: ignore[misc]
    context_key: ClassVar[str]

    def __init__(self, context: Any) -> None:
        super().__init__(self.batch_load)
        self.context = context

    @classmethod
    def of(cls, info: ResolveInfo) -> "Loader[K, V]":
        loaders: dict[str, Loader[Any, Any]] = info.context.loaders
        loader = loaders.get(cls.context_key)
        if loader is None:
            loader = loaders[cls.context_key] = cls(info.context)
        return loader

    def batch_load(self, keys: Sequence[K]) -> list[V]:
        raise NotImplementedError


def by_key(keys: Sequence[K], rows: Iterable[V], key: Callable[[V], K]) -> list[V | None]:
    found = {key(row): row for row in rows}
    return [found.get(k) for k in keys]


def grouped(keys: Sequence[K], rows: Iterable[V], key: Callable[[V], K]) -> list[list[V]]:
    groups: dict[K, list[V]] = defaultdict(list)
    for row in rows:
        groups[key(row)].append(row)
    return [groups.get(k, []) for k in keys]


def then(future: SyncFuture, transform: Callable[[Any], Any]) -> SyncFuture:
    """A future of ``transform(result)``; it keeps the loader's dispatch hook, so the batch
    still runs when the execution context flushes deferred work."""
    chained = SyncFuture()
    chained.deferred_callback = future.deferred_callback

    def forward() -> None:
        error = future.exception()
        if error is not None:
            chained.set_exception(error)
        else:
            chained.set_result(transform(future.result()))

    if future.done():
        forward()
    else:
        future.add_done_callback(forward)
    return chained
