"""Two runners fire one branch's due work at the same moment: every deferred effect applies once,
in world-time order (each tests what the one before it wrote). Real threads on PostgreSQL
(``tests/campaign/races.py``), where row locks are what keep the runners apart."""

import pytest

from campaign.actions import campaigns
from campaign.models import Campaign, Settlement
from kernel.actor import Actor
from rules import actions as rules
from rules.deferred_work import defer_effect
from rules.models import DeferredWork, EffectExecution
from scheduler import due_work
from tests import builders
from tests.campaign.races import race
from tests.conftest import Personas
from tests.scheduler.conftest import DAY, START

pytestmark = pytest.mark.django_db(transaction=True)

ITEMS = 20


@pytest.mark.postgres
def test_two_runners_fire_a_chain_of_deferred_effects_once_in_order(
    personas: Personas, golarion: Campaign
) -> None:
    # given 20 effects deferred to days 1..20, each expecting the gold the one before wrote
    gm: Actor = personas.actor("gm")
    town: Settlement = builders.settlement(
        gm,
        builders.kingdom(gm, golarion),
        variable_schemas=[{"name": "gold", "type": "number"}],
        variables={"gold": 0},
    )
    for day in range(1, ITEMS + 1):
        effect = rules.create_effect(
            gm,
            data={
                "entity_type": "event",
                "entity_id": str(builders.event(gm, golarion).uid),
                "target_type": "settlement",
                "target_id": str(town.uid),
                "name": f"Day {day}",
                "effect_type": "patch",
                "payload": [
                    {"op": "test", "path": "/variables/gold", "value": day - 1},
                    {"op": "replace", "path": "/variables/gold", "value": day},
                ],
            },
        )
        defer_effect(gm, effect_id=effect.uid, at=START + day * DAY)
    campaigns.advance_world_time(gm, campaign_id=golarion.pk, to=START + (ITEMS + 1) * DAY)
    branch = golarion.main_branch.pk

    # when two runners fire the branch's due work at once
    (outcomes,) = race([[lambda: due_work.fire_due(branch), lambda: due_work.fire_due(branch)]])

    # then between them every item fired once, none failed, and the chain reached its end
    fired = [item for outcome in outcomes for item in outcome]
    assert sorted(item.due_at for item in fired) == [START + d * DAY for d in range(1, ITEMS + 1)]
    assert {item.kind for item in fired} == {"deferred_effect"}
    assert set(DeferredWork.objects.values_list("error", flat=True)) == {""}
    assert EffectExecution.objects.count() == ITEMS
    assert Settlement.objects.get(pk=town.pk).variables == {"gold": ITEMS}
