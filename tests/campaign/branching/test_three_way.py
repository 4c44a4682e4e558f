"""The three-way merge of one entity (campaign.three_way), table-driven from the original's
conflict scenarios (reference §2.9, 15 to 25)."""

from typing import Any

import pytest

from campaign.three_way import (
    ABSENT,
    BOTH_MODIFIED,
    DELETED_MODIFIED,
    MODIFIED_DELETED,
    ROOT,
    merge,
)

BASE = {"name": "Settlement", "population": 1000}


@pytest.mark.parametrize(
    ("source", "target", "merged"),
    [
        ({**BASE, "population": 1200}, BASE, {**BASE, "population": 1200}),
        (BASE, {**BASE, "population": 900}, {**BASE, "population": 900}),
        (BASE, BASE, BASE),
        ({**BASE, "population": 5}, {**BASE, "population": 5}, {**BASE, "population": 5}),
        ({**BASE, "wood": 1}, {**BASE, "food": 2}, {**BASE, "wood": 1, "food": 2}),
        ({"name": "Settlement"}, BASE, {"name": "Settlement"}),
        ({"name": "Settlement"}, {"name": "Settlement"}, {"name": "Settlement"}),
        ({**BASE, "population": "1000"}, BASE, {**BASE, "population": "1000"}),
    ],
    ids=[
        "source only",
        "target only",
        "neither",
        "both the same",
        "keys added on each side",
        "key removed on the source",
        "key removed on both",
        "type change on one side",
    ],
)
def test_one_sided_and_identical_changes_merge_without_conflict(
    source: dict[str, Any], target: dict[str, Any], merged: dict[str, Any]
) -> None:
    # When the two sides are merged over the base
    outcome = merge(BASE, source, target)

    # Then there is no conflict and the merge keeps every change
    assert outcome.conflicts == []
    assert outcome.merged == merged


def test_both_changed_differently_is_a_conflict_with_the_three_values() -> None:
    outcome = merge(BASE, {**BASE, "name": "A"}, {**BASE, "name": "B"})

    [conflict] = outcome.conflicts
    assert (conflict.path, conflict.type) == ("name", BOTH_MODIFIED)
    assert (conflict.base, conflict.source, conflict.target) == ("Settlement", "A", "B")


def test_modified_on_one_side_and_removed_on_the_other() -> None:
    removed = {"name": "Settlement"}

    [modified_deleted] = merge(BASE, {**BASE, "population": 2}, removed).conflicts
    [deleted_modified] = merge(BASE, removed, {**BASE, "population": 2}).conflicts

    assert (modified_deleted.type, modified_deleted.target) == (MODIFIED_DELETED, ABSENT)
    assert (deleted_modified.type, deleted_modified.source) == (DELETED_MODIFIED, ABSENT)


def test_nested_objects_merge_per_path() -> None:
    base = {"resources": {"gold": 100, "food": 50}}

    apart = merge(
        base, {"resources": {"gold": 150, "food": 50}}, {"resources": {"gold": 100, "food": 75}}
    )
    clash = merge(
        base, {"resources": {"gold": 1, "food": 50}}, {"resources": {"gold": 2, "food": 50}}
    )

    assert apart.conflicts == []
    assert apart.merged == {"resources": {"gold": 150, "food": 75}}
    assert [c.path for c in clash.conflicts] == ["resources.gold"]


def test_arrays_are_compared_as_values() -> None:
    base = {"tags": ["a"]}

    same = merge(base, {"tags": ["a", "b"]}, {"tags": ["a", "b"]})
    different = merge(base, {"tags": ["a", "b"]}, {"tags": ["a", "c"]})

    assert same.conflicts == []
    assert [(c.path, c.type) for c in different.conflicts] == [("tags", BOTH_MODIFIED)]


def test_the_original_mixed_scenario_has_exactly_one_conflict() -> None:
    # Given the original's mixed scenario (§2.9, 24)
    base = {
        "name": "Settlement",
        "population": 1000,
        "resources": {"gold": 100, "food": 50},
        "buildings": ["house", "farm"],
    }
    source = {**base, "name": "Source", "resources": {"gold": 150, "food": 50, "wood": 30}}
    target = {
        **base,
        "name": "Target",
        "population": 1200,
        "resources": {"gold": 100, "food": 75},
        "buildings": ["house", "farm", "barracks"],
    }

    # When merged
    outcome = merge(base, source, target)

    # Then only the name conflicts, and every other change of both sides is kept
    assert [c.path for c in outcome.conflicts] == ["name"]
    assert outcome.merged == {
        "name": "Target",
        "population": 1200,
        "resources": {"gold": 150, "food": 75, "wood": 30},
        "buildings": ["house", "farm", "barracks"],
    }


def test_an_object_replaced_by_a_scalar_stays_a_scalar_and_nulls_are_kept() -> None:
    outcome = merge({"a": {"x": 1}, "n": None}, {"a": 5, "n": None}, {"a": {"x": 1}, "n": None})

    assert outcome.merged == {"a": 5, "n": None}


def test_whole_entities_created_deleted_and_deleted_while_changed() -> None:
    created = merge(None, BASE, None)
    deleted = merge(BASE, None, BASE)
    both_deleted = merge(BASE, None, None)
    deleted_while_changed = merge(BASE, None, {**BASE, "name": "Kept"})
    changed_while_deleted = merge(BASE, {**BASE, "name": "Kept"}, None)
    created_on_both = merge(None, {"name": "A"}, {"name": "B"})

    assert (created.merged, created.conflicts) == (BASE, [])
    assert (deleted.merged, deleted.conflicts) == (None, [])
    assert (both_deleted.merged, both_deleted.conflicts) == (None, [])
    assert [(c.path, c.type) for c in deleted_while_changed.conflicts] == [(ROOT, DELETED_MODIFIED)]
    assert [(c.path, c.type) for c in changed_while_deleted.conflicts] == [(ROOT, MODIFIED_DELETED)]
    assert [c.path for c in created_on_both.conflicts] == ["name"]


def test_bookkeeping_is_not_merged() -> None:
    # Given two sides that differ only in their version counters and timestamps
    outcome = merge(
        {**BASE, "version": 1, "updated_at": "a"},
        {**BASE, "version": 2, "updated_at": "b"},
        {**BASE, "version": 3, "updated_at": "c"},
    )

    # Then nothing conflicts
    assert outcome.conflicts == []
    assert outcome.merged == BASE
