"""Reading history: an entity as of a world time on a branch, and the versions a whole branch
stands at, at a point in its history (what merges compare).

A branch's own versions come first. Before its first own version an entity is what its parent's
history says, capped at the fork point: a change the parent makes after the fork is never seen
by the child (docs/decisions.md §3). The cap carries up the tree, each level capped by the fork
point of the branch below it.
"""

import uuid
from collections.abc import Iterable
from typing import Any

from django.db.models import Max, Q

from campaign.models import Branch, Version

EntityKey = tuple[str, str]  # (entity type, public id)
# No cap: the branch's whole history.
NOW: int | None = None


def lineage(branch: Branch, cap: int | None = NOW) -> list[tuple[Branch, int | None]]:
    """The branch and its ancestors, each with the last history id that counts on it."""
    levels: list[tuple[Branch, int | None]] = []
    current: Branch | None = branch
    while current is not None:
        levels.append((current, cap))
        if current.parent_id is None:
            break
        fork_point = current.fork_point or 0
        cap = fork_point if cap is None else min(cap, fork_point)
        current = Branch.all_objects.filter(pk=current.parent_id).first()
    return levels


def _capped(branch: Branch, cap: int | None) -> Q:
    condition = Q(branch=branch)
    if cap is not None:
        condition &= Q(id__lte=cap)
    return condition


def version_as_of(
    entity_type: str, uid: uuid.UUID, branch: Branch, world_time: Any
) -> Version | None:
    """The version of the entity valid at ``world_time`` on ``branch``: the latest one whose
    ``valid_from`` is not after it (ties: the later write), falling back to the ancestors."""
    for level, cap in lineage(branch):
        version = (
            Version.objects.filter(
                _capped(level, cap),
                entity_type=entity_type,
                entity_uid=uid,
                valid_from__lte=world_time,
            )
            .order_by("-valid_from", "-sequence", "-id")
            .first()
        )
        if version is not None:
            return version
    return None


def latest_version(
    entity_type: str, uid: uuid.UUID | str, branch: Branch, cap: int | None = NOW
) -> Version | None:
    """The last version of the entity written on ``branch`` up to history id ``cap`` (falling
    back to the ancestors), whatever its world time."""
    for level, level_cap in lineage(branch, cap):
        version = (
            Version.objects.filter(
                _capped(level, level_cap), entity_type=entity_type, entity_uid=uid
            )
            .order_by("-id")
            .first()
        )
        if version is not None:
            return version
    return None


def version_before(version: Version) -> Version | None:
    """The version of the same entity that ``version`` followed on its branch: what a
    cherry-pick compares it with."""
    assert version.branch is not None
    return latest_version(version.entity_type, version.entity_uid, version.branch, version.id - 1)


def latest_ids(
    branch: Branch, cap: int | None, entity_types: Iterable[str]
) -> dict[EntityKey, int]:
    """The last version id of every entity of these types on ``branch`` as its history stands at
    history id ``cap`` (``NOW``: as it stands). One grouped query per level of the branch tree,
    whatever the number of entities; two states with the same id for an entity agree on it."""
    types = list(entity_types)
    latest: dict[EntityKey, int] = {}
    for level, level_cap in lineage(branch, cap):
        rows = (
            Version.objects.filter(_capped(level, level_cap), entity_type__in=types)
            .order_by()
            .values_list("entity_type", "entity_uid")
            .annotate(last=Max("id"))
        )
        for entity_type, uid, last in rows:
            latest.setdefault((entity_type, str(uid)), last)
    return latest


# Ids per query when snapshots are read by id (SQLite allows 32,766 parameters).
BATCH = 10_000


def snapshots(ids: Iterable[int]) -> dict[int, dict[str, Any] | None]:
    """The snapshots of these versions (None for a deletion's tombstone)."""
    wanted = sorted(set(ids))
    found: dict[int, dict[str, Any] | None] = {}
    for start in range(0, len(wanted), BATCH):
        batch = wanted[start : start + BATCH]
        found.update(Version.objects.filter(id__in=batch).values_list("id", "snapshot"))
    return found
