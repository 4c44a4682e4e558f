"""Request-scoped DataLoaders (docs/decisions.md §14) on graphql-sync-dataloaders.

One loader class per access path; ``Loader.of(info)`` returns the request's instance, so every
resolver of one request shares its batches and cache. ``batch_load`` returns values in key order.
"""

from collections import defaultdict
from collections.abc import Callable, Hashable, Iterable, Sequence
from typing import Any, ClassVar, Generic, TypeVar

from django.db.models import F, Model, QuerySet, Window
from django.db.models.functions import RowNumber
from graphene import ResolveInfo
from graphql_sync_dataloaders import SyncDataLoader
from graphql_sync_dataloaders.sync_future import SyncFuture

from api.graphql.paging import Page

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")
M = TypeVar("M", bound=Model)


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


class PagedLoader(Loader[K, list[M]]):
    """A nested list's loader: one page of each parent's rows. A request asking for two pages of
    one list (aliases) gets a loader for each."""

    def __init__(self, context: Any, page: Page) -> None:
        super().__init__(context)
        self.page = page

    @classmethod
    def for_page(cls, info: ResolveInfo, page: Page) -> "PagedLoader[K, M]":
        loaders: dict[str, Loader[Any, Any]] = info.context.loaders
        key = f"{cls.context_key}:{page.skip}:{page.take}"
        loader = loaders.get(key)
        if loader is None:
            loader = loaders[key] = cls(info.context, page)
        return loader  # type: ignore[return-value]

    def page_of_each(self, rows: QuerySet[M], parent: str, order: Sequence[str]) -> list[M]:
        """This loader's page of ``rows`` under each ``parent``, in ``order`` (a leading "-"
        descends), cut in the database by a window rank, however many rows a parent has."""
        ranked = rows.annotate(
            rank=Window(
                RowNumber(),
                partition_by=F(parent),
                order_by=[F(n[1:]).desc() if n.startswith("-") else F(n).asc() for n in order],
            )
        )
        window = ranked.filter(rank__gt=self.page.skip, rank__lte=self.page.stop)
        return list(window.order_by(*order))


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
