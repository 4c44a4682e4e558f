"""Computed fields: precedence, errors, context, batching and generation-keyed caching."""

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from campaign.actions import entities, settlements
from campaign.models import Campaign, Kingdom, Settlement
from kernel.actor import Actor
from rules import actions as rules
from rules import computed_fields
from tests import builders


def condition(actor: Actor, campaign: Campaign, field: str, expression: Any, **data: Any) -> Any:
    target = data.pop("entity", None)
    return rules.create_field_condition(
        actor,
        data={
            "entity_type": data.pop("entity_type", "settlement"),
            **({"entity_id": str(target.uid)} if target else {"campaign_id": str(campaign.pk)}),
            "field": field,
            "expression": expression,
            **data,
        },
    )


@pytest.fixture
def kingdom(owner: Actor, campaign: Campaign) -> Kingdom:
    return builders.kingdom(owner, campaign, name="Brevoy", level=4)


def test_the_highest_priority_condition_that_evaluates_wins(
    owner: Actor, campaign: Campaign, kingdom: Kingdom
) -> None:
    settlement = builders.settlement(owner, kingdom, level=5)
    condition(owner, campaign, "rank", "town", priority=1)
    condition(
        owner,
        campaign,
        "rank",
        {"if": [{">": [{"var": "settlement.level"}, 4]}, "city", "town"]},
        priority=9,
        entity=settlement,
    )
    condition(owner, campaign, "rank", "village", priority=0)

    result = computed_fields.for_entity(settlement)

    assert result.values == {"rank": "city"}


def test_an_instance_condition_beats_a_type_wide_one_at_equal_priority(
    owner: Actor, campaign: Campaign, kingdom: Kingdom
) -> None:
    settlement = builders.settlement(owner, kingdom)
    other = builders.settlement(owner, kingdom)
    condition(owner, campaign, "motto", "for the realm", priority=3)
    condition(owner, campaign, "motto", "for the harbour", priority=3, entity=settlement)

    results = computed_fields.for_entities([settlement, other])

    assert results[settlement.pk].values == {"motto": "for the harbour"}
    assert results[other.pk].values == {"motto": "for the realm"}


def test_a_failing_condition_is_reported_and_the_next_one_decides(
    owner: Actor, campaign: Campaign, kingdom: Kingdom, monkeypatch: pytest.MonkeyPatch
) -> None:
    settlement = builders.settlement(owner, kingdom)
    broken = condition(
        owner, campaign, "when", {"date_add": [{"var": "settlement.name"}, 1, "days"]}, priority=5
    )
    condition(owner, campaign, "when", "never", priority=1)

    result = computed_fields.for_entity(settlement)

    assert result.values == {"when": "never"}
    assert str(broken.uid) in result.errors["when"][0]


def test_the_context_has_parents_structures_world_time_and_variables(
    owner: Actor, campaign: Campaign, kingdom: Kingdom
) -> None:
    settlement = builders.settlement(
        owner,
        kingdom,
        level=6,
        variable_schemas=[{"name": "population", "type": "number"}],
        variables={"population": 12000},
    )
    builders.structure(owner, settlement, type="market")
    builders.structure(owner, settlement, type="market")
    builders.structure(owner, settlement, type="temple")
    rules.create_state_variable(
        owner,
        data={
            "scope": "campaign",
            "scope_id": str(campaign.pk),
            "key": "tax",
            "type": "float",
            "value": 0.1,
        },
    )
    rules.create_state_variable(
        owner,
        data={
            "scope": "settlement",
            "scope_id": str(settlement.uid),
            "key": "income",
            "type": "derived",
            "formula": {"*": [{"var": "settlement.variables.population"}, {"var": "var.tax"}]},
        },
    )
    condition(
        owner,
        campaign,
        "is_trade_hub",
        {
            "and": [
                {">=": [{"var": "settlement.level"}, 5]},
                {">=": [{"var": "settlement.structures.byType.market"}, 2]},
                {">": [{"var": "var.income"}, 1000]},
                {"==": [{"var": "kingdom.name"}, "Brevoy"]},
            ]
        },
    )
    condition(owner, campaign, "structure_count", {"var": "settlement.structures.count"})

    result = computed_fields.for_entity(settlement)

    assert result.values == {"is_trade_hub": True, "structure_count": 3}


def test_structures_see_their_settlement(
    owner: Actor, campaign: Campaign, kingdom: Kingdom
) -> None:
    settlement = builders.settlement(owner, kingdom, level=7)
    structure = builders.structure(owner, settlement, type="temple", level=2)
    condition(
        owner,
        campaign,
        "power",
        {"*": [{"var": "structure.level"}, {"var": "settlement.level"}]},
        entity_type="structure",
    )

    assert computed_fields.for_entity(structure).values == {"power": 14}


def test_a_list_is_evaluated_with_a_constant_number_of_queries(
    owner: Actor, campaign: Campaign, kingdom: Kingdom
) -> None:
    condition(owner, campaign, "big", {">": [{"var": "settlement.level"}, 2]})
    condition(owner, campaign, "markets", {"var": "settlement.structures.byType.market"})

    def queries_for(count: int) -> int:
        rows = [builders.settlement(owner, kingdom) for _ in range(count)]
        fresh = list(
            Settlement.objects.filter(pk__in=[r.pk for r in rows]).select_related("branch")
        )
        with CaptureQueriesContext(connection) as captured:
            computed_fields.for_entities(fresh)
        return len(captured)

    assert queries_for(1) == queries_for(25)


def test_a_cached_result_is_not_served_after_a_change(
    owner: Actor,
    campaign: Campaign,
    kingdom: Kingdom,
    django_capture_on_commit_callbacks: Any,
) -> None:
    settlement = builders.settlement(owner, kingdom, level=2)
    condition(owner, campaign, "big", {">": [{"var": "settlement.level"}, 2]})
    assert computed_fields.for_entity(settlement).values == {"big": False}
    assert computed_fields.for_entity(settlement).values == {"big": False}  # from the cache

    with django_capture_on_commit_callbacks(execute=True):
        settlement = entities.set_level(owner, instance=settlement, level=3)

    assert computed_fields.for_entity(settlement).values == {"big": True}


@pytest.mark.redis
def test_two_processes_sharing_redis_agree_after_a_write(
    owner: Actor,
    campaign: Campaign,
    kingdom: Kingdom,
    django_capture_on_commit_callbacks: Any,
) -> None:
    """Another process's local state cannot help it: only the Redis generation keys the cache."""
    from django.core.cache import caches

    settlement = builders.settlement(owner, kingdom, name="Restov")
    condition(owner, campaign, "title", {"cat": ["City of ", {"var": "settlement.name"}]})
    assert computed_fields.for_entity(settlement).values == {"title": "City of Restov"}
    other_process_cache = caches.create_connection("default")

    with django_capture_on_commit_callbacks(execute=True):
        settlements.update_settlement(
            owner, settlement_id=settlement.uid, data={"name": "New Restov"}
        )

    generation_seen_elsewhere = other_process_cache.get(f"gen:{campaign.pk}:{settlement.branch_id}")
    assert generation_seen_elsewhere is not None
    fresh = Settlement.objects.get(pk=settlement.pk)
    assert computed_fields.for_entity(fresh).values == {"title": "City of New Restov"}
