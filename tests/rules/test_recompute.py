"""A rule change recomputes what depends on it, in dependency order, and nothing else."""

from collections.abc import Iterator
from typing import Any

import pytest
from django.core.cache import cache

from campaign.models import Campaign
from config.celery import app as celery_app
from kernel import generations
from kernel.actor import Actor
from rules import actions as rules
from rules import computed_fields, recompute
from tests import builders


@pytest.fixture
def eager_celery() -> Iterator[None]:
    previous = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = True
    yield
    celery_app.conf.task_always_eager = previous


@pytest.fixture
def world_of_rules(owner: Actor, campaign: Campaign) -> dict[str, Any]:
    kingdom = builders.kingdom(owner, campaign)
    first = builders.settlement(owner, kingdom, name="Restov")
    second = builders.settlement(owner, kingdom, name="Tatzlford")
    hut = builders.structure(owner, first, type="hut")
    tax = rules.create_state_variable(
        owner,
        data={
            "scope": "campaign",
            "scope_id": str(campaign.pk),
            "key": "tax",
            "type": "float",
            "value": 0.1,
        },
    )
    double_tax = rules.create_state_variable(
        owner,
        data={
            "scope": "campaign",
            "scope_id": str(campaign.pk),
            "key": "double_tax",
            "type": "derived",
            "formula": {"*": [{"var": "var.tax"}, 2]},
        },
    )
    levy = rules.create_field_condition(
        owner,
        data={
            "entity_type": "settlement",
            "campaign_id": str(campaign.pk),
            "field": "levy",
            "expression": {"var": "var.double_tax"},
        },
    )
    rules.create_field_condition(
        owner,
        data={
            "entity_type": "structure",
            "campaign_id": str(campaign.pk),
            "field": "size",
            "expression": {"var": "structure.level"},
        },
    )
    return {
        "settlements": [first, second],
        "hut": hut,
        "tax": tax,
        "double_tax": double_tax,
        "levy": levy,
    }


def test_dependents_are_found_in_dependency_order(
    campaign: Campaign, world_of_rules: dict[str, Any]
) -> None:
    tax, double_tax, levy = (world_of_rules[k] for k in ("tax", "double_tax", "levy"))

    result = recompute.recompute_dependents(campaign.main_branch, {f"VARIABLE:{tax.uid}"})

    assert result.nodes == [
        f"VARIABLE:{tax.uid}",
        f"VARIABLE:{double_tax.uid}",
        f"CONDITION:{levy.uid}",
    ]
    assert result.entities == 2  # the two settlements; the structure's rules read no tax


def test_a_variable_change_warms_only_its_dependents(
    owner: Actor,
    campaign: Campaign,
    world_of_rules: dict[str, Any],
    eager_celery: None,
    django_capture_on_commit_callbacks: Any,
) -> None:
    first, second = world_of_rules["settlements"]
    hut = world_of_rules["hut"]

    with django_capture_on_commit_callbacks(execute=True):
        rules.update_state_variable(
            owner, variable_id=world_of_rules["tax"].uid, data={"value": 0.25}
        )

    generation = generations.current(campaign.pk, campaign.main_branch.pk)
    assert cache.get(computed_fields.cache_key(first, generation)) is not None
    assert cache.get(computed_fields.cache_key(second, generation)) is not None
    assert cache.get(computed_fields.cache_key(hut, generation)) is None
    assert computed_fields.for_entity(first).values == {"levy": 0.5}


def test_deleting_a_variable_recomputes_its_former_dependents(
    owner: Actor,
    campaign: Campaign,
    world_of_rules: dict[str, Any],
    eager_celery: None,
    django_capture_on_commit_callbacks: Any,
) -> None:
    first, _ = world_of_rules["settlements"]

    with django_capture_on_commit_callbacks(execute=True):
        rules.delete_rule(owner, kind="state_variable", rule_id=world_of_rules["double_tax"].uid)

    result = computed_fields.for_entity(first)
    assert result.values == {"levy": None}
