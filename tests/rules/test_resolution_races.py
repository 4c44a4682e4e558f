"""Two GMs complete the same event at the same moment: exactly one completion (and one run of
its effects) happens; the other is refused as already completed. Real threads on PostgreSQL
(``tests/campaign/races.py``), where the row lock is what serializes them."""

from typing import Any

import pytest

from campaign.models import Campaign, Event, Settlement
from kernel.actor import Actor
from kernel.errors import ValidationError
from rules import actions as rules
from rules.models import EffectExecution
from rules.resolution import Resolution, complete_event
from tests import builders
from tests.campaign.races import race

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.postgres
def test_an_event_completed_twice_at_once_completes_once(owner: Actor, campaign: Campaign) -> None:
    # Given events that each grow a settlement by 100, expecting its population first
    town = builders.settlement(owner, builders.kingdom(owner, campaign), variables={"people": 0})
    festivals = []
    for n in range(10):
        festival = builders.event(owner, campaign)
        rules.create_effect(
            owner,
            data={
                "entity_type": "event",
                "entity_id": str(festival.uid),
                "target_type": "settlement",
                "target_id": str(town.uid),
                "name": f"Growth {n}",
                "effect_type": "patch",
                "payload": [
                    {"op": "test", "path": "/variables/people", "value": n * 100},
                    {"op": "replace", "path": "/variables/people", "value": (n + 1) * 100},
                ],
            },
        )
        festivals.append(festival)

    # When two completions of each event race
    def completion(event: Event) -> Any:
        return lambda: complete_event(owner, event_id=event.uid)

    results = race([[completion(f), completion(f)] for f in festivals])

    # Then in every round one completed it and the other was told it already was
    for outcomes in results:
        won = [o for o in outcomes if isinstance(o, Resolution)]
        lost = [o for o in outcomes if isinstance(o, ValidationError)]
        assert (len(won), len(lost)) == (1, 1), outcomes
        assert "already completed" in lost[0].message
    # And each effect ran exactly once
    assert EffectExecution.objects.count() == 10
    assert Settlement.objects.get(pk=town.pk).variables == {"people": 1000}
    assert Event.objects.filter(is_completed=True).count() == 10
