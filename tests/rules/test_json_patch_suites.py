"""The RFC 6902 suites of json-patch/json-patch-tests (vendored in tests/fixtures/json-patch/)
pass through the path an effect takes: ``rules.effects.apply_patch`` and the target's update
action. Each case's document is an event's free-form variable ``doc``, every pointer of its
patch is moved under ``/variables/doc``; a case that must fail is refused and writes nothing."""

import json
from pathlib import Path
from typing import Any

import pytest

from campaign.actions import events
from campaign.models import Campaign, Event
from kernel.actor import Actor
from kernel.errors import ValidationError
from rules.effects import apply_patch
from tests import builders

SUITES = Path(__file__).resolve().parents[1] / "fixtures" / "json-patch"
ROOT = "/variables/doc"


def cases() -> list[Any]:
    found = []
    for name in ("tests.json", "spec_tests.json"):
        for number, case in enumerate(json.loads((SUITES / name).read_text())):
            if not case.get("disabled"):
                label = f"{name}:{number}:{case.get('comment', '')}"[:90]
                found.append(pytest.param(case, id=label))
    return found


def under_root(operation: Any) -> Any:
    """The operation with its pointers moved under the document's place in the event (one
    that is not a JSON Pointer stays as it is, to be refused as such)."""
    if not isinstance(operation, dict):
        return operation
    moved = dict(operation)
    for key in ("path", "from"):
        pointer = moved.get(key)
        if isinstance(pointer, str) and (pointer == "" or pointer.startswith("/")):
            moved[key] = ROOT + pointer
    return moved


def test_the_suites_have_every_case() -> None:
    assert len(cases()) == 92 + 16


@pytest.mark.parametrize("case", cases())
def test_rfc6902_case(owner: Actor, campaign: Campaign, writes: Any, case: dict[str, Any]) -> None:
    # Given an event holding the case's document
    event = builders.event(owner, campaign)
    event = events.update_event(owner, event_id=event.uid, data={"variables": {"doc": case["doc"]}})
    patch = [under_root(operation) for operation in case["patch"]]
    before = writes()

    if "error" in case:
        # When a patch that must fail is applied, it is refused and nothing is written
        with pytest.raises(ValidationError):
            apply_patch(
                owner,
                target_type="event",
                target_id=event.uid,
                branch_id=event.branch_id,
                payload=patch,
            )
        assert writes() == before
        assert Event.objects.get(pk=event.pk).variables == event.variables
        return

    # When it is applied
    apply_patch(
        owner, target_type="event", target_id=event.uid, branch_id=event.branch_id, payload=patch
    )

    # Then the stored document is the expected one (null is stored as no value)
    stored = Event.objects.get(pk=event.pk).variables.get("doc")
    if "expected" in case:
        assert stored == case["expected"]
