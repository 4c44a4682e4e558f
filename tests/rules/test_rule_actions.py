"""Rules as domain data: validation, authorization, cycles, history."""

from typing import Any

import pytest

from campaign.models import AuditLog, Campaign, Version
from kernel.actor import Actor
from kernel.errors import NotFound, PermissionDenied, ValidationError
from rules import actions as rules
from rules.models import StateVariable
from tests import builders
from tests.conftest import Personas


def variable(actor: Actor, campaign: Campaign, key: str, **data: Any) -> StateVariable:
    return rules.create_state_variable(
        actor, data={"scope": "CAMPAIGN", "scope_id": str(campaign.pk), "key": key, **data}
    )


def test_a_field_condition_is_versioned_and_audited(owner: Actor, campaign: Campaign) -> None:
    settlement = builders.settlement(owner, builders.kingdom(owner, campaign))

    condition = rules.create_field_condition(
        owner,
        data={
            "entity_type": "Settlement",
            "entity_id": str(settlement.uid),
            "field": "is_trade_hub",
            "expression": {">=": [{"var": "settlement.level"}, 3]},
            "priority": 5,
        },
    )

    assert condition.target_type == "settlement"
    assert condition.branch == settlement.branch
    assert Version.objects.filter(entity_uid=condition.uid, entity_type="field_condition").exists()
    assert AuditLog.objects.filter(entity_id=str(condition.uid), operation="CREATE").exists()


def test_a_type_wide_condition_needs_a_campaign(owner: Actor, campaign: Campaign) -> None:
    data = {"entity_type": "structure", "field": "upkeep", "expression": {"*": [2, 3]}}

    with pytest.raises(ValidationError) as error:
        rules.create_field_condition(owner, data=data)
    condition = rules.create_field_condition(owner, data={**data, "campaign_id": str(campaign.pk)})

    assert error.value.field == "campaignId"
    assert condition.target_uid is None


@pytest.mark.parametrize(
    ("expression", "fragment"),
    [
        ({"frobnicate": [1]}, "Unrecognized operation frobnicate"),
        ({"and": [{"==": [1]}]}, "$.and[0]"),
        (None, "required"),
    ],
)
def test_bad_expressions_are_refused_naming_the_node(
    owner: Actor, campaign: Campaign, expression: Any, fragment: str
) -> None:
    with pytest.raises(ValidationError) as error:
        rules.create_field_condition(
            owner,
            data={
                "entity_type": "kingdom",
                "campaign_id": str(campaign.pk),
                "field": "x",
                "expression": expression,
            },
        )

    assert error.value.field == "expression"
    assert fragment in error.value.message


def test_too_deep_an_expression_is_refused(owner: Actor, campaign: Campaign) -> None:
    deep: Any = True
    for _ in range(200):
        deep = {"!": [deep]}

    with pytest.raises(ValidationError) as error:
        rules.create_field_condition(
            owner,
            data={
                "entity_type": "kingdom",
                "campaign_id": str(campaign.pk),
                "field": "x",
                "expression": deep,
            },
        )

    assert error.value.field == "expression"


@pytest.mark.parametrize(
    ("kind", "value", "formula", "field"),
    [
        ("integer", "many", None, "value"),
        ("integer", 2.5, None, "value"),
        ("boolean", 1, None, "value"),
        ("string", None, None, "value"),
        ("derived", None, None, "formula"),
        ("derived", 3, {"+": [1, 2]}, "value"),
        ("float", 1.5, {"+": [1, 2]}, "formula"),
    ],
)
def test_variable_values_must_fit_their_type(
    owner: Actor, campaign: Campaign, kind: str, value: Any, formula: Any, field: str
) -> None:
    with pytest.raises(ValidationError) as error:
        variable(owner, campaign, "treasury", type=kind, value=value, formula=formula)

    assert error.value.field == field
    assert not StateVariable.objects.exists()


def test_a_key_is_unique_per_scope_until_deleted(owner: Actor, campaign: Campaign) -> None:
    first = variable(owner, campaign, "treasury", type="integer", value=10)

    with pytest.raises(ValidationError) as error:
        variable(owner, campaign, "treasury", type="integer", value=20)
    rules.delete_rule(owner, kind="state_variable", rule_id=first.uid)
    again = variable(owner, campaign, "treasury", type="integer", value=20)

    assert error.value.field == "key"
    assert again.value == 20


def test_a_formula_that_would_close_a_cycle_is_refused_naming_it(
    owner: Actor, campaign: Campaign
) -> None:
    variable(owner, campaign, "a", type="derived", formula={"var": "var.b"})
    b = variable(owner, campaign, "b", type="derived", formula={"var": "var.c"})
    variable(owner, campaign, "c", type="integer", value=1)

    with pytest.raises(ValidationError) as error:
        rules.update_state_variable(
            owner, variable_id=b.uid, data={"formula": {"+": [{"var": "var.a"}, 1]}}
        )

    assert error.value.field == "formula"
    assert "campaign:b -> campaign:a -> campaign:b" in error.value.message
    assert StateVariable.objects.get(pk=b.pk).formula == {"var": "var.c"}


def test_a_self_referencing_formula_is_a_cycle(owner: Actor, campaign: Campaign) -> None:
    with pytest.raises(ValidationError) as error:
        variable(owner, campaign, "x", type="derived", formula={"+": [{"var": "var.x"}, 1]})

    assert "cycle" in error.value.message


def test_world_variables_belong_to_the_world_owner(
    personas: Personas, owner: Actor, campaign: Campaign
) -> None:
    data = {
        "scope": "world",
        "scope_id": str(campaign.world_id),
        "key": "era",
        "type": "string",
        "value": "Age of Lost Omens",
    }

    world_var = rules.create_state_variable(owner, data=data)
    with pytest.raises(PermissionDenied):
        rules.create_state_variable(personas.actor("player"), data={**data, "key": "other"})

    assert world_var.branch is None


@pytest.mark.parametrize(
    ("persona", "error"),
    [
        ("gm", None),
        ("player", PermissionDenied),
        ("viewer", PermissionDenied),
        ("outsider", NotFound),
    ],
)
def test_writing_rules_needs_gm_or_owner(
    personas: Personas, owner: Actor, campaign: Campaign, persona: str, error: Any
) -> None:
    data = {
        "entity_type": "kingdom",
        "campaign_id": str(campaign.pk),
        "field": "x",
        "expression": True,
    }
    if error is None:
        rules.create_field_condition(personas.actor(persona), data=data)
    else:
        with pytest.raises(error):
            rules.create_field_condition(personas.actor(persona), data=data)


def test_deleting_a_rule_needs_the_owner(
    personas: Personas, owner: Actor, campaign: Campaign
) -> None:
    made = variable(owner, campaign, "treasury", type="integer", value=1)

    with pytest.raises(PermissionDenied):
        rules.delete_rule(personas.actor("gm"), kind="state_variable", rule_id=made.uid)
    rules.delete_rule(owner, kind="state_variable", rule_id=made.uid)

    assert not StateVariable.objects.filter(pk=made.pk).exists()


def test_toggling_a_rule_bumps_its_version(owner: Actor, campaign: Campaign) -> None:
    made = variable(owner, campaign, "treasury", type="integer", value=1)

    toggled = rules.toggle_active(owner, kind="state_variable", rule_id=made.uid, is_active=False)

    assert toggled.is_active is False
    assert toggled.version == 2


def test_effects_patch_only_allowed_paths(owner: Actor, campaign: Campaign) -> None:

    event = builders.event(owner, campaign, name="Festival", event_type="kingdom")
    kingdom = builders.kingdom(owner, campaign)
    base = {
        "entity_type": "EVENT",
        "entity_id": str(event.uid),
        "name": "Boom",
        "target_type": "kingdom",
        "target_id": str(kingdom.uid),
    }

    effect = rules.create_effect(
        owner, data={**base, "payload": [{"op": "replace", "path": "/level", "value": 2}]}
    )
    with pytest.raises(ValidationError) as error:
        rules.create_effect(
            owner, data={**base, "payload": [{"op": "replace", "path": "/version", "value": 9}]}
        )

    assert effect.source_type == "event"
    assert error.value.field == "payload.0.path"


def test_a_cycle_across_scopes_is_refused(owner: Actor, campaign: Campaign) -> None:
    """A campaign formula is evaluated in each entity's context, where the entity's own
    variable of the same key shadows the campaign's: a -> kingdom b -> a is a cycle."""
    kingdom = builders.kingdom(owner, campaign)
    variable(owner, campaign, "a", type="derived", formula={"+": [{"var": "var.b"}, 1]})

    with pytest.raises(ValidationError) as error:
        rules.create_state_variable(
            owner,
            data={
                "scope": "kingdom",
                "scope_id": str(kingdom.uid),
                "key": "b",
                "type": "derived",
                "formula": {"+": [{"var": "var.a"}, 1]},
            },
        )

    assert "cycle" in error.value.message
