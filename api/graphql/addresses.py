"""Where the parents of kept answers live, remembered per process, so that a kept answer is
authorized without reading its parent's row (docs/decisions.md §29).

A kept answer hangs off a row — a kingdom, a settlement, a structure, a campaign's branch — that
the request names by id. Reading that row only to learn its campaign and branch was most of what
a kept answer still cost (issue 15). An address holds the row's primary key, its campaign and
the campaign's owner, and the keys of the generations that count its changes (its branch's and
its world's map's; for an audit trail, its campaign's audit generation). Whether the row is
still live, and still there, is what changes, and every such change bumps those generations
(a delete, an archive, a branch or campaign deleted, the campaign edited:
``campaign.actions.history``). So an address is *verified* at the generations read before a
load that found the row; while they are still the current ones, the row is as that load found
it, and the reader's role in its campaign (read as always: ``campaign.permissions.require_role``)
is all that is left to check.

A generation of zero is a key the cache does not hold (just flushed or evicted): nothing is
verified under it (``kernel.generations`` starts a lost key above all its past values).
"""

import threading
from collections import OrderedDict
from collections.abc import Hashable
from dataclasses import dataclass, replace
from typing import Any

from campaign.models import Branch, Campaign
from kernel import generations

# Addresses kept per process: a few hundred bytes each, the most recently used first to stay.
CAPACITY = 10_000


@dataclass(frozen=True)
class Address:
    """Where a parent lives: ``parent_pk`` names it in the keys of its answers; the campaign
    (and its owner) decide who reads it; the generations under ``generation_keys`` count every
    change that could alter what is kept under it."""

    parent_pk: Any
    campaign_pk: Any
    owner_pk: Any
    generation_keys: tuple[str, ...]
    verified: tuple[int, ...] | None = None

    @classmethod
    def of_row(cls, parent: Any, branch: Branch) -> "Address":
        """The address of ``parent``, a row of ``branch`` (or the branch itself), as loaded
        with the branch's campaign: its answers are decided by the branch and the world's map."""
        campaign = branch.campaign
        keys = (generations.key(campaign.pk, branch.pk), generations.map_key(campaign.world_id))
        return cls(parent.pk, campaign.pk, campaign.owner_id, keys)

    @classmethod
    def of_history(cls, entity: str, campaign: Campaign) -> "Address":
        """The address of an entity's audit trail (``entity`` names it), kept in ``campaign``
        (its id and owner loaded): decided by what the campaign records."""
        keys = (generations.audit_key(campaign.pk),)
        return cls(entity, campaign.pk, campaign.owner_id, keys)

    def verified_at(self, current: list[int]) -> "Address":
        return replace(self, verified=tuple(current))

    def holds_at(self, current: list[int]) -> bool:
        """Whether the parent is still where, and as, this address says, as the generations
        ``current`` (just read) tell."""
        return all(current) and self.verified == tuple(current)


class AddressBook:
    """A bounded, thread-safe map from what names a parent in a request to its address."""

    def __init__(self, capacity: int = CAPACITY) -> None:
        self._capacity = capacity
        self._addresses: OrderedDict[Hashable, Address] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, name: Hashable) -> Address | None:
        with self._lock:
            address = self._addresses.get(name)
            if address is not None:
                self._addresses.move_to_end(name)
            return address

    def learn(self, name: Hashable, address: Address) -> None:
        with self._lock:
            self._addresses[name] = address
            self._addresses.move_to_end(name)
            if len(self._addresses) > self._capacity:
                self._addresses.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._addresses.clear()


book = AddressBook()
