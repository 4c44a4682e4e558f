"""The shapes clients read history in: the original's top-level diff (the cases of
original-versioning-branching-audit-auth.md §1.11, scenario 15), JSON equality as JavaScript
sees it, and snapshot keys re-cased for the API without touching the keys inside values."""

from typing import Any

import pytest

from campaign.history_shapes import public_patch, public_state, same_json, top_level_diff


def test_the_diff_compares_top_level_keys_and_reports_whole_values() -> None:
    # Given two states, one nested value changed, one key dropped and one added
    before = {"a": 1, "n": {"x": 1, "y": 2}, "r": 3}
    after = {"a": 1, "n": {"x": 1, "y": 3}, "s": 4}

    # When they are diffed
    diff = top_level_diff(before, after)

    # Then the added, removed and (wholly) modified keys are reported, and nothing else
    assert diff == {
        "added": {"s": 4},
        "modified": {"n": {"old": {"x": 1, "y": 2}, "new": {"x": 1, "y": 3}}},
        "removed": {"r": 3},
    }


@pytest.mark.parametrize(
    ("old", "new", "modified"),
    [
        ({"x": 1, "y": 2}, {"y": 2, "x": 1}, False),  # key order is irrelevant
        ([1, 2], [2, 1], True),  # array order is not
        (None, 5, True),  # null to a value
        (1, True, True),  # true is not 1
        (0, False, True),
        ([True], [1], True),
        (1, 1.0, False),  # one JSON number
        ("1", 1, True),
    ],
)
def test_modified_means_unequal_as_json(old: Any, new: Any, modified: bool) -> None:
    # Given a key whose value changes from old to new
    # When the states are diffed
    diff = top_level_diff({"k": old}, {"k": new})

    # Then the key is modified exactly when the JSON values differ
    assert ("k" in diff["modified"]) is modified
    assert same_json(old, new) is not modified


def test_a_missing_state_diffs_as_empty() -> None:
    # Given a creation (no previous state)
    # When it is diffed
    diff = top_level_diff(None, {"name": "Brevoy"})

    # Then every field is added
    assert diff == {"added": {"name": "Brevoy"}, "modified": {}, "removed": {}}


def test_snapshot_keys_take_the_api_names_and_values_keep_theirs() -> None:
    # Given a settlement snapshot as stored
    stored: dict[str, Any] = {
        "id": "s-1",
        "kingdom": "k-1",
        "location": None,
        "created_at": "2026-01-01T00:00:00.000Z",
        "variable_schemas": [],
        "variables": {"trade_goods": {"per_day": 1}},
        "retired_column": 1,
    }

    # When it is read for a client
    state = public_state("settlement", stored)

    # Then references end in Id, columns are camelCase, and values are untouched
    assert state == {
        "id": "s-1",
        "kingdomId": "k-1",
        "locationId": None,
        "createdAt": "2026-01-01T00:00:00.000Z",
        "variableSchemas": [],
        "variables": {"trade_goods": {"per_day": 1}},
        "retiredColumn": 1,
    }


def test_columns_the_contract_names_otherwise_take_its_names() -> None:
    # Given snapshots whose columns the contract names otherwise
    # When they are read for a client
    character = public_state("character", {"character_class": "Barbarian", "is_npc": False})
    condition = public_state(
        "field_condition", {"target_type": "settlement", "target_uid": "u", "created_by": 7}
    )

    # Then they carry the contract's names
    assert character == {"class": "Barbarian", "isNPC": False}
    assert condition == {"entityType": "settlement", "entityId": "u", "createdBy": 7}


def test_states_written_in_the_api_casing_stay_as_they_are() -> None:
    # Given an audit-only subject's state (an API key), already camelCase
    state = {"id": "1", "campaignId": None, "revokedAt": None}

    # When it is read for a client
    # Then nothing changes
    assert public_state("api_key", state) == state


def test_the_patch_re_cases_only_the_first_pointer_segment() -> None:
    # Given a stored patch that touches a reference, a user's variable and moves a value
    stored: list[dict[str, Any]] = [
        {"op": "replace", "path": "/kingdom", "value": "k-2"},
        {"op": "add", "path": "/variables/trade_goods", "value": 1},
        {"op": "move", "from": "/variable_schemas/0", "path": "/variables/a~1b"},
        {"op": "replace", "path": "", "value": {}},
    ]

    # When it is read for a client
    patch = public_patch("settlement", stored)

    # Then only the snapshot's own keys are renamed
    assert patch == [
        {"op": "replace", "path": "/kingdomId", "value": "k-2"},
        {"op": "add", "path": "/variables/trade_goods", "value": 1},
        {"op": "move", "from": "/variableSchemas/0", "path": "/variables/a~1b"},
        {"op": "replace", "path": "", "value": {}},
    ]
