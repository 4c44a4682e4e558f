"""Every list of rows the API returns is one page of it: ``skip`` rows passed over, at most
``take`` returned, in the list's own order (issue 15). The page is cut in the database (OFFSET
and LIMIT, or a window rank for a list nested under many parents), so a list costs what it
returns, not what its parent holds.

Root lists and nested lists take the same two arguments, named as the original's paged rules
lists name them (``listEffects(skip, take)``). An omitted ``take`` is the largest page; a larger
one is cut to it rather than refused, as the original's paged lists do, so a client asking for
"everything" keeps working and pages on by ``skip``.
"""

import functools
import inspect
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any, TypeVar

import graphene
from django.db.models import QuerySet

from api.graphql.limits import MAX_LIST_SIZE, MAX_SKIP
from kernel.errors import ValidationError

T = TypeVar("T")


@dataclass(frozen=True)
class Page:
    skip: int
    take: int

    @property
    def stop(self) -> int:
        return self.skip + self.take

    @classmethod
    def of(cls, skip: int | None, take: int | None, most: int = MAX_LIST_SIZE) -> "Page":
        skip = 0 if skip is None else skip
        if not 0 <= skip <= MAX_SKIP:
            raise ValidationError(f"skip must be between 0 and {MAX_SKIP}", field="skip")
        if take is not None and take < 0:
            raise ValidationError("take must be at least 0", field="take")
        return cls(skip, most if take is None else min(take, most))

    def cut(self, rows: "Sequence[T] | QuerySet[Any, T]") -> list[T]:
        """This page of ``rows``: a QuerySet is cut by its SQL."""
        return list(rows[self.skip : self.stop])


def page_args(most: int = MAX_LIST_SIZE) -> dict[str, Any]:
    return {
        "skip": graphene.Int(
            default_value=0, description=f"Rows passed over (at most {MAX_SKIP})."
        ),
        "take": graphene.Int(description=f"Rows returned; at most (and by default) {most}."),
    }


def paginated(resolve: Callable[..., Any], most: int = MAX_LIST_SIZE) -> Callable[..., Any]:
    """``resolve`` answering one page: a resolver with a ``page`` parameter is given the page and
    cuts it itself (a cached list, a batched nested list); any other returns its rows (a
    QuerySet, ordered) and is cut here."""
    wants_page = "page" in inspect.signature(resolve).parameters

    @functools.wraps(resolve)
    def resolver(
        root: Any, info: Any, skip: int = 0, take: int | None = None, **kwargs: Any
    ) -> Any:
        page = Page.of(skip, take, most)
        if wants_page:
            return resolve(root, info, page=page, **kwargs)
        return page.cut(resolve(root, info, **kwargs))

    return resolver


def paged_list(
    of: Any, resolver: Callable[..., Any], most: int = MAX_LIST_SIZE, **args: Any
) -> graphene.List:
    """A required list of non-null ``of``, one page of at most ``most`` at a time."""
    return graphene.List(
        graphene.NonNull(of),
        required=True,
        resolver=paginated(resolver, most),
        **args,
        **page_args(most),
    )
