"""The user behind a verified access token, kept in each process instead of read from the
database on every request, with revocation still exact.

Every write of a user row (logout-all moving ``tokens_valid_after``, deactivation, any save or
delete: ``User.save``/``User.delete`` call ``changed``) gives the user a new random *stamp* in
the shared cache once it commits. A process keeps a user's fields beside the stamp it read
*before* reading the row, and uses them only while the shared stamp is still that one: a change
committed after the read has replaced the stamp, so the next request in any process reads the row
again. A request thus costs one cache read (Redis, or the local-memory cache when embedded)
instead of a query. Stamps are random, never counters, so a cache emptied or restarted cannot
bring an old stamp back; when the cache cannot be read, the row is read every time.

Only a cache every process shares (Redis) can tell processes of a change: with the local-memory
cache of the embedded default, users are not kept and the row is read every time.

The password hash is not kept: a cached user has it deferred, and saving one writes only the
fields it holds.
"""

import secrets
import uuid
from functools import cache as once
from typing import TYPE_CHECKING, Any

from django.core.cache import cache, caches
from django.core.cache.backends.locmem import LocMemCache
from django.db import DEFAULT_DB_ALIAS, transaction

if TYPE_CHECKING:
    from campaign.models import User

# Far more users than sign in to one process within a token's life; past it, start over.
MAX_USERS = 10_000
# A stamp outlives any access token (then a new one is drawn, and the row read again).
STAMP_SECONDS = 24 * 60 * 60
_kept: dict[uuid.UUID, tuple[str, tuple[Any, ...]]] = {}


def stamp_key(user_id: object) -> str:
    return f"auth-user-stamp:{user_id}"


def changed(user_id: object) -> None:
    """After the current transaction commits, no process uses what it kept of this user (this
    one forgets it at once, so its own next request reads the row, committed or not)."""
    _kept.pop(user_id, None)  # type: ignore[call-overload]
    transaction.on_commit(
        lambda: cache.set(stamp_key(user_id), secrets.token_hex(8), STAMP_SECONDS)
    )


@once
def _fields() -> list[str]:
    from campaign.models import User

    return [f.attname for f in User._meta.concrete_fields if f.attname != "password"]


def shared() -> bool:
    return not isinstance(caches["default"], LocMemCache)


def active_user(user_id: uuid.UUID, read: tuple[str | None] | None = None) -> "User | None":
    """The active user with this id, or None. ``read`` holds the user's stamp when the caller
    read it already, with something else it needed from the cache in the same round trip
    (api/graphql/answers.py): read, like this function's own read, before the row."""
    from campaign.models import User

    if not shared():
        return User.objects.filter(pk=user_id, is_active=True).first()
    stamp = read[0] if read is not None else cache.get(stamp_key(user_id))
    if stamp is None:
        # Unknown (first use, or the cache was emptied or is down): start a stamp, and read.
        cache.add(stamp_key(user_id), secrets.token_hex(8), STAMP_SECONDS)
        stamp = cache.get(stamp_key(user_id))
    kept = _kept.get(user_id)
    if stamp is not None and kept is not None and kept[0] == stamp:
        user: User = User.from_db(DEFAULT_DB_ALIAS, _fields(), kept[1])
    else:
        found = User.objects.filter(pk=user_id).defer("password").first()
        if found is None:
            _kept.pop(user_id, None)
            return None
        user = found
        if stamp is not None:
            if len(_kept) >= MAX_USERS:
                _kept.clear()
            _kept[user_id] = (stamp, tuple(getattr(user, name) for name in _fields()))
    return user if user.is_active else None
