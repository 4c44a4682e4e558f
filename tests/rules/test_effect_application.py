"""Effects change the world through the update actions: a patch on a settlement persists,
versioned and audited; a patch that could never fit its target is refused when the effect is
saved, naming the field, and writes nothing."""

from typing import Any

import pytest

from campaign.actions import branches, campaigns, kingdoms, settlements
from campaign.models import AuditLog, Campaign, Settlement, Version, World
from kernel.actor import Actor
from kernel.errors import Conflict, NotFound, ValidationError
from rules import actions as rules
from rules.effects import apply_patch, execute_effect
from rules.models import Effect, EffectExecution
from tests import builders

POPULATION = [
    {"name": "population", "type": "number", "required": True},
    {"name": "mood", "type": "enum", "enumValues": ["calm", "festive"]},
]


def effect_on(owner: Actor, source: Any, target: Any, payload: Any, **data: Any) -> Effect:
    return rules.create_effect(
        owner,
        data={
            "entity_type": source.entity_type,
            "entity_id": str(source.uid),
            "target_type": target.entity_type,
            "target_id": str(target.uid),
            "name": data.pop("name", "Growth"),
            "effect_type": "patch",
            "payload": payload,
            **data,
        },
    )


@pytest.fixture
def town(owner: Actor, campaign: Campaign) -> Settlement:
    kingdom = builders.kingdom(owner, campaign, name="Brevoy")
    return builders.settlement(
        owner,
        kingdom,
        name="Restov",
        level=3,
        variable_schemas=POPULATION,
        variables={"population": 1000},
    )


def test_an_effects_patch_on_a_settlement_persists_versioned_and_audited(
    owner: Actor, campaign: Campaign, town: Settlement
) -> None:
    # Given an effect of an event that grows a settlement
    festival = builders.event(owner, campaign)
    effect = effect_on(
        owner,
        festival,
        town,
        [
            {"op": "replace", "path": "/variables/population", "value": 1200},
            {"op": "add", "path": "/variables/mood", "value": "festive"},
            {"op": "replace", "path": "/level", "value": 4},
        ],
    )
    versions = Version.objects.filter(entity_uid=str(town.uid)).count()

    # When it is executed
    result = execute_effect(owner, effect_id=effect.uid)

    # Then the settlement holds the patched values, at a new version with its history and audit
    town.refresh_from_db()
    assert result.success
    assert (town.level, town.variables) == (4, {"population": 1200, "mood": "festive"})
    assert town.version == 2
    assert Version.objects.filter(entity_uid=str(town.uid)).count() == versions + 1
    audit = AuditLog.objects.filter(entity_id=str(town.uid)).latest("id")
    assert audit.new_state is not None
    assert audit.previous_state is not None
    assert audit.new_state["variables"] == {"population": 1200, "mood": "festive"}
    assert audit.previous_state["level"] == 3
    # And one execution records the patch and the target before and after
    assert result.execution_id is not None
    execution = EffectExecution.objects.get(pk=result.execution_id)
    assert execution.result["patchApplied"] == effect.payload
    assert execution.result["before"]["variables"] == {"population": 1000}
    assert execution.result["after"]["level"] == 4
    assert result.affected_fields == ["/variables/population", "/variables/mood", "/level"]


def test_a_dry_run_reports_the_change_and_writes_nothing(
    owner: Actor, campaign: Campaign, town: Settlement, writes: Any
) -> None:
    effect = effect_on(
        owner,
        builders.event(owner, campaign),
        town,
        [{"op": "replace", "path": "/variables/population", "value": 7}],
    )
    before = writes()

    result = execute_effect(owner, effect_id=effect.uid, dry_run=True)

    assert result.success
    assert result.execution_id is None
    assert result.after == {"name": "Restov", "level": 3, "variables": {"population": 7}}
    assert writes() == before
    assert not EffectExecution.objects.exists()
    town.refresh_from_db()
    assert town.variables == {"population": 1000}


@pytest.mark.parametrize(
    ("payload", "field"),
    [
        ([{"op": "replace", "path": "/id", "value": "x"}], "payload.0.path"),
        ([{"op": "replace", "path": "/version", "value": 9}], "payload.0.path"),
        ([{"op": "replace", "path": "/kingdomId", "value": "x"}], "payload.0.path"),
        ([{"op": "copy", "from": "/createdAt", "path": "/name"}], "payload.0.from"),
        ([{"op": "replace", "path": "/variables/population", "value": "many"}], "payload.0.value"),
        ([{"op": "add", "path": "/variables/unknown", "value": 1}], "payload.0.path"),
        ([{"op": "remove", "path": "/variables/population"}], "payload.0.path"),
        ([{"op": "replace", "path": "/variables/mood", "value": "angry"}], "payload.0.value"),
        ([{"op": "replace", "path": "/level", "value": 99}], "payload.0.value"),
        ([{"op": "replace", "path": "/name", "value": ""}], "payload.0.value"),
        ([{"op": "replace", "path": "/variables", "value": {"mood": "calm"}}], "payload.0.value"),
    ],
)
def test_a_patch_that_cannot_fit_its_target_is_refused_when_saved(
    owner: Actor, campaign: Campaign, town: Settlement, writes: Any, payload: Any, field: str
) -> None:
    festival = builders.event(owner, campaign)
    before = writes()

    with pytest.raises(ValidationError) as refused:
        effect_on(owner, festival, town, payload)

    assert refused.value.field == field
    assert writes() == before
    assert not Effect.objects.exists()


def test_an_entity_of_another_campaign_or_branch_is_not_a_target(
    owner: Actor, campaign: Campaign, world: World, town: Settlement, writes: Any
) -> None:
    # Given a settlement of another campaign and one of another branch of this campaign
    elsewhere = campaigns.create_campaign(owner, world_id=world.pk, data={"name": "Elsewhere"})
    foreign = builders.settlement(owner, builders.kingdom(owner, elsewhere))
    side = branches.create_branch(
        owner, campaign_id=campaign.pk, parent_id=None, data={"name": "b"}
    )
    kingdom = kingdoms.create_kingdom(
        owner, campaign_id=campaign.pk, data={"name": "Side"}, branch_id=side.pk
    )
    branched = settlements.create_settlement(
        owner,
        kingdom_id=kingdom.uid,
        data={"name": "Side", "location_id": str(builders.point(owner, campaign).pk)},
        branch_id=side.pk,
    )
    festival = builders.event(owner, campaign)
    before = writes()

    # When effects of the main branch's event name them, they are not found, by targetId
    for target in (foreign, branched):
        with pytest.raises(NotFound) as refused:
            effect_on(owner, festival, target, [{"op": "replace", "path": "/level", "value": 2}])
        assert refused.value.extensions["field"] == "targetId"
    assert writes() == before


def test_a_patch_computed_on_a_stale_version_is_a_conflict(
    owner: Actor, campaign: Campaign, town: Settlement
) -> None:
    # Given the settlement changed after the patch read it (simulated by a stale version)
    Settlement.objects.filter(pk=town.pk).update(version=5)
    stale = Settlement.objects.get(pk=town.pk)
    stale.version = 4

    # Then the update action's compare-and-set refuses the write
    with pytest.raises(Conflict):
        settlements.update_settlement(
            owner, settlement_id=town.uid, data={"level": 4}, expected_version=stale.version
        )
    # And apply_patch, reading the current version, writes through
    applied = apply_patch(
        owner,
        target_type="settlement",
        target_id=town.uid,
        branch_id=town.branch_id,
        payload=[{"op": "replace", "path": "/level", "value": 4}],
    )
    assert applied.target.version == 6  # type: ignore[attr-defined]


def test_a_patch_of_only_tests_writes_nothing(owner: Actor, town: Settlement, writes: Any) -> None:
    before = writes()

    applied = apply_patch(
        owner,
        target_type="settlement",
        target_id=town.uid,
        branch_id=town.branch_id,
        payload=[{"op": "test", "path": "/level", "value": 3}],
    )

    assert applied.before == applied.after
    assert writes() == before


def test_a_state_variable_target_gets_a_value_of_its_type(
    owner: Actor, campaign: Campaign, writes: Any
) -> None:
    gold = rules.create_state_variable(
        owner,
        data={
            "scope": "campaign",
            "scope_id": str(campaign.pk),
            "key": "gold",
            "type": "integer",
            "value": 100,
        },
    )
    festival = builders.event(owner, campaign)
    with pytest.raises(ValidationError) as refused:
        effect_on(owner, festival, gold, [{"op": "replace", "path": "/value", "value": "lots"}])
    assert refused.value.field == "payload.0.value"

    effect = effect_on(owner, festival, gold, [{"op": "replace", "path": "/value", "value": 150}])
    execute_effect(owner, effect_id=effect.uid)

    gold.refresh_from_db()
    assert (gold.value, gold.version) == (150, 2)
