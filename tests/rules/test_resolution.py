"""Completing an event and resolving an encounter: PRE → ON_RESOLVE → POST in priority order,
each effect on what the previous one wrote; atomic; dry runs; refused twice; links enforced."""

import datetime
from typing import Any

import pytest
from asgiref.sync import async_to_sync

from campaign.models import AuditLog, Branch, Campaign, Encounter, Event, Settlement
from kernel.actor import Actor
from kernel.errors import ValidationError
from realtime.publish import room
from rules import actions as rules
from rules.availability import is_done
from rules.effects import EffectFailed
from rules.models import EffectExecution
from rules.resolution import complete_event, resolve_encounter
from tests import builders
from tests.test_publish import listen


@pytest.fixture
def town(owner: Actor, campaign: Campaign) -> Settlement:
    return builders.settlement(
        owner,
        builders.kingdom(owner, campaign),
        name="Restov",
        variable_schemas=[{"name": "population", "type": "number"}],
        variables={"population": 1000},
    )


def effect(owner: Actor, source: Any, target: Any, payload: Any, **data: Any) -> Any:
    return rules.create_effect(
        owner,
        data={
            "entity_type": source.entity_type,
            "entity_id": str(source.uid),
            "target_type": "self" if target is source else target.entity_type,
            "target_id": None if target is source else str(target.uid),
            "name": data.pop("name", "an effect"),
            "effect_type": "patch",
            "payload": payload,
            **data,
        },
    )


def population(value: int) -> dict[str, Any]:
    return {"op": "replace", "path": "/variables/population", "value": value}


def expects(value: int) -> dict[str, Any]:
    return {"op": "test", "path": "/variables/population", "value": value}


def test_effects_run_by_timing_then_priority_each_on_the_previous_result(
    owner: Actor, campaign: Campaign, town: Settlement
) -> None:
    # Given effects made out of order, each expecting what the one before it wrote
    festival = builders.event(owner, campaign)
    post = effect(owner, festival, town, [expects(1300), population(1400)], timing="POST")
    second = effect(owner, festival, town, [expects(1100), population(1200)], priority=10)
    pre = effect(owner, festival, town, [expects(1000), population(1100)], timing="PRE")
    third = effect(owner, festival, town, [expects(1200), population(1300)], priority=20)
    noted = effect(
        owner,
        festival,
        festival,
        [{"op": "replace", "path": "/description", "value": "Done"}],
        priority=30,
    )

    # When the event is completed
    report = complete_event(owner, event_id=festival.uid)

    # Then every effect ran in order and the last one's value persisted
    town.refresh_from_db()
    assert town.variables == {"population": 1400}
    assert report.pre.execution_order == [str(pre.uid)]
    assert report.on_resolve.execution_order == [str(e.uid) for e in (second, third, noted)]
    assert report.post.execution_order == [str(post.uid)]
    assert (report.on_resolve.total, report.on_resolve.succeeded) == (3, 3)
    # And the event is completed, with what its own effect wrote
    festival.refresh_from_db()
    assert festival.is_completed
    assert festival.occurred_at is not None
    assert festival.description == "Done"
    assert is_done(report.entity)
    # And one execution per effect records before and after
    assert EffectExecution.objects.count() == 5
    last = EffectExecution.objects.get(effect=post)
    assert last.result["before"]["variables"] == {"population": 1300}
    assert last.result["after"]["variables"] == {"population": 1400}


def test_a_failing_effect_rolls_back_the_whole_resolution(
    owner: Actor, campaign: Campaign, town: Settlement, writes: Any
) -> None:
    # Given a first effect that applies and a second whose test fails
    festival = builders.event(owner, campaign)
    effect(owner, festival, town, [population(2000)], priority=1)
    failing = effect(owner, festival, town, [expects(5), population(3)], priority=2, name="Bad")
    before = writes()

    # When the event is completed
    with pytest.raises(EffectFailed) as refused:
        complete_event(owner, event_id=festival.uid)

    # Then the error names the effect and the reason
    assert refused.value.code == "BAD_REQUEST"
    assert "'Bad'" in refused.value.message
    assert refused.value.extensions["effectId"] == str(failing.uid)
    assert "test" in refused.value.extensions["reason"].lower()
    # And nothing was written: not the first effect, not the completion, no executions
    town.refresh_from_db()
    festival.refresh_from_db()
    assert town.variables == {"population": 1000}
    assert not festival.is_completed
    assert writes() == before
    assert not EffectExecution.objects.exists()


def test_a_dry_run_reports_what_would_happen_and_writes_nothing(
    owner: Actor, campaign: Campaign, town: Settlement, writes: Any
) -> None:
    festival = builders.event(owner, campaign)
    effect(owner, festival, town, [population(1500)])
    before = writes()

    report = complete_event(owner, event_id=festival.uid, dry_run=True)

    assert report.dry_run
    assert is_done(report.entity)
    (result,) = report.on_resolve.results
    assert result.after == {"name": "Restov", "level": 1, "variables": {"population": 1500}}
    assert result.execution_id is None
    assert writes() == before
    festival.refresh_from_db()
    town.refresh_from_db()
    assert not festival.is_completed
    assert town.variables == {"population": 1000}


def test_a_dry_run_names_the_effect_that_would_fail(
    owner: Actor, campaign: Campaign, town: Settlement
) -> None:
    festival = builders.event(owner, campaign)
    bad = effect(owner, festival, town, [expects(1)], priority=1)
    effect(owner, festival, town, [population(2)], priority=2)

    report = complete_event(owner, event_id=festival.uid, dry_run=True)

    (result,) = report.on_resolve.results
    assert (result.effect.uid, result.success) == (bad.uid, False)
    assert result.error


def test_completing_twice_is_refused(owner: Actor, campaign: Campaign, writes: Any) -> None:
    festival = builders.event(owner, campaign)
    complete_event(owner, event_id=festival.uid)
    before = writes()

    with pytest.raises(ValidationError, match="already completed") as refused:
        complete_event(owner, event_id=festival.uid)

    assert refused.value.field == "id"
    assert writes() == before


def test_resolving_an_already_resolved_encounter_is_refused(
    owner: Actor, campaign: Campaign, writes: Any
) -> None:
    bandits = builders.encounter(owner, campaign)
    resolved = resolve_encounter(owner, encounter_id=bandits.uid)
    assert is_done(resolved.entity)
    assert isinstance(resolved.entity, Encounter)
    assert resolved.entity.resolved_at is not None
    before = writes()

    with pytest.raises(ValidationError, match="already resolved"):
        resolve_encounter(owner, encounter_id=bandits.uid)

    assert writes() == before


def test_a_prerequisite_blocks_until_resolved_and_a_gm_may_force_it(
    owner: Actor, campaign: Campaign, writes: Any
) -> None:
    # Given an encounter that is the prerequisite of an event
    ambush = builders.encounter(owner, campaign, name="Ambush")
    feast = builders.event(owner, campaign, name="Feast")
    builders.link(owner, campaign, ambush, feast, link_type="prerequisite")
    before = writes()

    # When the event is completed first, it is refused, naming the prerequisite
    with pytest.raises(ValidationError, match="prerequisite encounter 'Ambush'"):
        complete_event(owner, event_id=feast.uid)
    assert writes() == before

    # And a GM who forces it completes it, the audit row saying so
    report = complete_event(owner, event_id=feast.uid, force=True)
    assert report.forced
    audit = AuditLog.objects.filter(entity_id=str(feast.uid)).latest("id")
    assert audit.new_state is not None
    assert audit.new_state["is_completed"] is True
    assert audit.metadata is not None
    assert "Ambush" in audit.metadata["forced"][0]


def test_a_prerequisite_once_resolved_lets_it_through(owner: Actor, campaign: Campaign) -> None:
    ambush = builders.encounter(owner, campaign)
    feast = builders.event(owner, campaign)
    builders.link(owner, campaign, ambush, feast, link_type="prerequisite")

    resolve_encounter(owner, encounter_id=ambush.uid)
    report = complete_event(owner, event_id=feast.uid)

    assert is_done(report.entity)
    assert not report.forced


def test_what_blocks_it_prevents_it_once_it_happened(owner: Actor, campaign: Campaign) -> None:
    peace = builders.event(owner, campaign, name="Peace")
    war = builders.event(owner, campaign, name="War")
    builders.link(owner, campaign, peace, war, link_type="blocks")
    complete_event(owner, event_id=peace.uid)

    with pytest.raises(ValidationError, match="blocks it"):
        complete_event(owner, event_id=war.uid)


def test_what_it_triggers_is_completed_with_it(owner: Actor, campaign: Campaign) -> None:
    spark = builders.event(owner, campaign)
    fire = builders.encounter(owner, campaign)
    builders.link(owner, campaign, spark, fire, link_type="triggers")
    fire_effect = effect(owner, fire, fire, [{"op": "replace", "path": "/difficulty", "value": 9}])

    report = complete_event(owner, event_id=spark.uid)

    fire.refresh_from_db()
    assert fire.is_resolved
    assert fire.difficulty == 9
    (triggered,) = report.triggered
    assert triggered.on_resolve.execution_order == [str(fire_effect.uid)]


def test_a_link_that_would_close_a_cycle_is_refused(
    owner: Actor, campaign: Campaign, writes: Any
) -> None:
    a, b, c = (builders.event(owner, campaign, name=n) for n in "ABC")
    builders.link(owner, campaign, a, b, link_type="prerequisite")
    builders.link(owner, campaign, b, c, link_type="triggers")
    before = writes()

    with pytest.raises(
        ValidationError, match="'C' -> event 'A' -> event 'B' -> event 'C'"
    ) as refused:
        builders.link(owner, campaign, c, a, link_type="prerequisite")

    assert refused.value.field == "targetId"
    assert writes() == before
    # A related link is informational and may go either way
    builders.link(owner, campaign, c, a, link_type="related")


def test_an_unmet_availability_condition_blocks_resolution(
    owner: Actor, campaign: Campaign
) -> None:
    harvest = builders.event(owner, campaign, variables={"ripe": False})
    rules.create_condition(
        owner,
        data={
            "entity_type": "event",
            "entity_id": str(harvest.uid),
            "name": "Crops are ripe",
            "expression": {"==": [{"var": "event.variables.ripe"}, True]},
        },
    )

    with pytest.raises(ValidationError, match="'Crops are ripe' is not met"):
        complete_event(owner, event_id=harvest.uid)

    Event.objects.filter(pk=harvest.pk).update(variables={"ripe": True})
    assert is_done(complete_event(owner, event_id=harvest.uid).entity)


def test_a_completion_announces_what_its_effects_changed_after_commit(
    owner: Actor, campaign: Campaign, town: Settlement, django_capture_on_commit_callbacks: Any
) -> None:
    festival = builders.event(owner, campaign)
    effect(owner, festival, town, [population(1234)])
    layer, channel = listen(room("settlement", town.uid))

    with django_capture_on_commit_callbacks(execute=True):
        complete_event(owner, event_id=festival.uid)

    event = async_to_sync(layer.receive)(channel)["event"]
    assert event["type"] == "settlement_updated"
    assert event["payload"]["changedFields"] == ["variables"]
    assert event["payload"]["version"] == 2


def test_a_dry_run_announces_nothing(
    owner: Actor, campaign: Campaign, town: Settlement, django_capture_on_commit_callbacks: Any
) -> None:
    festival = builders.event(owner, campaign)
    effect(owner, festival, town, [population(1234)])

    with django_capture_on_commit_callbacks(execute=False) as pending:
        complete_event(owner, event_id=festival.uid, dry_run=True)

    assert pending == []


def test_a_triggered_target_scheduled_later_in_world_time_stays_scheduled(
    owner: Actor, campaign: Campaign
) -> None:
    # Given a branch clock at 4710-03-01 and a triggered encounter scheduled after it
    now = datetime.datetime(4710, 3, 1, tzinfo=datetime.UTC)
    Branch.objects.filter(campaign=campaign).update(current_world_time=now)
    spark = builders.event(owner, campaign)
    later = builders.encounter(owner, campaign, scheduled_at="4710-03-08T00:00:00Z")
    builders.link(owner, campaign, spark, later, link_type="triggers")

    # When the trigger happens, the encounter waits for its time
    report = complete_event(owner, event_id=spark.uid)

    later.refresh_from_db()
    assert report.triggered == []
    assert not later.is_resolved


def test_an_updated_payload_is_checked_against_the_target_again(
    owner: Actor, campaign: Campaign, town: Settlement, writes: Any
) -> None:
    saved = effect(owner, builders.event(owner, campaign), town, [population(5)])
    before = writes()

    with pytest.raises(ValidationError) as refused:
        rules.update_effect(
            owner,
            effect_id=saved.uid,
            data={"payload": [{"op": "add", "path": "/variables/gold", "value": 1}]},
        )

    assert refused.value.field == "payload.0.path"
    assert writes() == before
