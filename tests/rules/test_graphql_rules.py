"""The rules engine over GraphQL: field conditions, state variables, effects, evaluation, the
dependency graph and computed fields, with real data."""

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from campaign.actions import branches, entities, kingdoms, settlements
from campaign.models import Campaign
from kernel.actor import Actor
from rules import actions as rules
from rules.models import EffectExecution, FieldCondition, StateVariable
from tests import builders
from tests.builders import Scene
from tests.graphql_client import (
    GraphQLClient,
    code_of,
    error_of,
    forget_earlier_requests,
    ok,
    persona_user,
)

CONDITION_FIELDS = """
    id entityType entityId field expression description priority isActive version
    createdAt updatedAt deletedAt createdBy updatedBy campaignId branchId
"""
VARIABLE_FIELDS = """
    id key scope scopeId type value valueError formula description isActive version
    createdBy updatedBy campaignId branchId deletedAt
"""
EFFECT_FIELDS = """
    id name description effectType entityType entityId targetType targetId payload timing
    priority isActive version createdAt updatedAt deletedAt campaignId branchId
"""

# --- Field conditions --------------------------------------------------------------------------


def test_a_field_condition_is_created_read_updated_toggled_and_deleted(
    gql: GraphQLClient, scene: Scene
) -> None:
    # Given a settlement
    ids = scene.ids

    # When the GM creates a condition for it (entity type in any case, priority by default)
    created = ok(
        gql(
            f"mutation($i: CreateFieldConditionInput!) {{ createFieldCondition(input: $i) {{"
            f" {CONDITION_FIELDS} }} }}",
            {
                "i": {
                    "entityType": "SETTLEMENT",
                    "entityId": ids["settlement"],
                    "field": "is_capital",
                    "expression": {"==": [{"var": "settlement.name"}, "Restov"]},
                }
            },
            "gm",
        )
    )["createFieldCondition"]
    condition_id = created["id"]

    # Then it is stored lower-case, with priority 0, version 1, and its author
    assert created["entityType"] == "settlement"
    assert created["entityId"] == ids["settlement"]
    assert created["priority"] == 0
    assert created["version"] == 1
    assert created["isActive"] is True
    assert created["deletedAt"] is None
    assert created["createdBy"] == str(persona_user("gm").pk)
    assert created["campaignId"] == ids["campaign"]
    assert created["branchId"] == str(scene.settlement.branch_id)

    # When it is read, updated, updated with a stale version, toggled and deleted
    read = ok(
        gql(
            f"query($id: ID!) {{ getFieldCondition(id: $id) {{ {CONDITION_FIELDS} }} }}",
            {"id": condition_id},
            "viewer",
        )
    )["getFieldCondition"]
    update = (
        "mutation($id: ID!, $i: UpdateFieldConditionInput!) {"
        " updateFieldCondition(id: $id, input: $i) { version priority description updatedBy } }"
    )
    updated = ok(
        gql(
            update,
            {"id": condition_id, "i": {"expectedVersion": 1, "priority": 7, "description": "Seat"}},
            "owner",
        )
    )
    stale = gql(update, {"id": condition_id, "i": {"expectedVersion": 1, "priority": 8}}, "owner")
    toggled = ok(
        gql(
            "mutation($id: ID!) { toggleFieldConditionActive(id: $id, isActive: false) {"
            " isActive version } }",
            {"id": condition_id},
            "owner",
        )
    )["toggleFieldConditionActive"]
    deleted = ok(
        gql("mutation($id: ID!) { deleteFieldCondition(id: $id) }", {"id": condition_id}, "owner")
    )
    after = ok(
        gql("query($id: ID!) { getFieldCondition(id: $id) { id } }", {"id": condition_id}, "owner")
    )

    # Then each step did what it says
    assert read == created
    assert updated["updateFieldCondition"] == {
        "version": 2,
        "priority": 7,
        "description": "Seat",
        "updatedBy": str(persona_user("owner").pk),
    }
    assert code_of(stale) == "CONFLICT"
    assert error_of(stale)["extensions"]["expectedVersion"] == 1
    assert error_of(stale)["extensions"]["actualVersion"] == 2
    assert toggled == {"isActive": False, "version": 3}
    assert deleted == {"deleteFieldCondition": True}
    assert after == {"getFieldCondition": None}


def test_a_condition_for_a_whole_type_needs_its_campaign(gql: GraphQLClient, scene: Scene) -> None:
    create = (
        "mutation($i: CreateFieldConditionInput!) {"
        " createFieldCondition(input: $i) { entityId entityType campaignId } }"
    )
    data = {"entityType": "Structure", "field": "upkeep", "expression": {"*": [2, 3]}}

    missing = gql(create, {"i": data}, "owner")
    made = ok(gql(create, {"i": {**data, "campaignId": scene.ids["campaign"]}}, "owner"))

    assert code_of(missing) == "BAD_REQUEST"
    assert error_of(missing)["extensions"]["field"] == "campaignId"
    assert made["createFieldCondition"] == {
        "entityId": None,
        "entityType": "structure",
        "campaignId": scene.ids["campaign"],
    }


@pytest.mark.parametrize(
    ("expression", "fragment"),
    [
        ({"frobnicate": [1]}, "Unrecognized operation frobnicate (at $.frobnicate)"),
        ({"and": [True, {"==": [1]}]}, "$.and[1]"),
        ({"if": [True, {"var": ["a", 1, 2]}, 0]}, "$.if[1]"),
    ],
    ids=["unknown-operator", "bad-arity", "bad-var"],
)
def test_a_malformed_expression_is_a_bad_request_naming_its_path(
    gql: GraphQLClient, scene: Scene, expression: Any, fragment: str
) -> None:
    body = gql(
        "mutation($i: CreateFieldConditionInput!) { createFieldCondition(input: $i) { id } }",
        {
            "i": {
                "entityType": "settlement",
                "entityId": scene.ids["settlement"],
                "field": "x",
                "expression": expression,
            }
        },
        "owner",
    )

    error = error_of(body)
    assert error["extensions"]["code"] == "BAD_REQUEST"
    assert error["extensions"]["field"] == "expression"
    assert fragment in error["message"]
    assert not FieldCondition.objects.filter(field="x").exists()


def test_too_deep_an_expression_is_a_bad_request(gql: GraphQLClient, scene: Scene) -> None:
    deep: Any = True
    for _ in range(100):
        deep = {"!": [deep]}

    body = gql(
        "mutation($id: ID!, $i: UpdateFieldConditionInput!) {"
        " updateFieldCondition(id: $id, input: $i) { id } }",
        {"id": scene.ids["condition"], "i": {"expectedVersion": 1, "expression": deep}},
        "owner",
    )

    error = error_of(body)
    assert error["extensions"] == {"code": "BAD_REQUEST", "field": "expression"} | {
        k: v for k, v in error["extensions"].items() if k not in {"code", "field"}
    }
    assert "deep" in error["message"] or "depth" in error["message"]
    assert "$" in error["message"]


def test_conditions_for_an_entity_come_in_precedence_order(
    gql: GraphQLClient, scene: Scene
) -> None:
    # Given an extra type-wide condition at the instance condition's priority, and one for
    # another field
    owner = Actor(persona_user("owner"))
    tie = rules.create_field_condition(
        owner,
        data={
            "entity_type": "settlement",
            "campaign_id": scene.ids["campaign"],
            "field": "is_trade_hub",
            "expression": True,
            "priority": 10,
        },
    )
    other = rules.create_field_condition(
        owner,
        data={
            "entity_type": "settlement",
            "campaign_id": scene.ids["campaign"],
            "field": "size",
            "expression": 3,
            "priority": 50,
        },
    )
    query = (
        "query($t: String!, $id: ID!, $f: String) {"
        " getConditionsForEntity(entityType: $t, entityId: $id, field: $f) { id } }"
    )

    # When a player asks for the conditions of the settlement, of one field and of a structure
    everything = ok(gql(query, {"t": "Settlement", "id": scene.ids["settlement"]}, "player"))
    one_field = ok(
        gql(
            query, {"t": "SETTLEMENT", "id": scene.ids["settlement"], "f": "is_trade_hub"}, "player"
        )
    )
    structure = ok(gql(query, {"t": "structure", "id": scene.ids["structure"]}, "player"))
    unknown = gql(query, {"t": "dragon", "id": scene.ids["settlement"]}, "owner")

    # Then priority decides, and at equal priority the entity's own condition comes first
    expected = [str(scene.condition.uid), str(tie.uid), str(scene.type_condition.uid)]
    assert [c["id"] for c in everything["getConditionsForEntity"]] == [str(other.uid), *expected]
    assert [c["id"] for c in one_field["getConditionsForEntity"]] == expected
    assert structure["getConditionsForEntity"] == []
    assert code_of(unknown) == "BAD_REQUEST"
    assert error_of(unknown)["extensions"]["field"] == "entityType"


def test_list_field_conditions_filters_orders_and_pages(gql: GraphQLClient, scene: Scene) -> None:
    owner = Actor(persona_user("owner"))
    kingdom_condition = rules.create_field_condition(
        owner,
        data={
            "entity_type": "kingdom",
            "entity_id": scene.ids["kingdom"],
            "field": "might",
            "expression": 1,
            "priority": 3,
        },
    )
    gone = rules.create_field_condition(
        owner,
        data={
            "entity_type": "kingdom",
            "entity_id": scene.ids["kingdom"],
            "field": "old",
            "expression": 1,
        },
    )
    rules.delete_rule(owner, kind="field_condition", rule_id=gone.uid)
    query = (
        "query($w: FieldConditionWhereInput, $o: FieldConditionOrderByInput, $s: Int, $t: Int) {"
        " listFieldConditions(where: $w, orderBy: $o, skip: $s, take: $t) { id } }"
    )

    def ids(variables: dict[str, Any]) -> list[str]:
        return [c["id"] for c in ok(gql(query, variables, "viewer"))["listFieldConditions"]]

    condition, type_condition = str(scene.condition.uid), str(scene.type_condition.uid)
    kingdom_id = str(kingdom_condition.uid)
    assert ids({}) == [condition, kingdom_id, type_condition]  # priority DESC by default
    assert ids({"o": {"field": "PRIORITY", "order": "ASC"}}) == [
        type_condition,
        kingdom_id,
        condition,
    ]
    assert ids({"o": {"field": "ENTITY_TYPE"}}) == [condition, type_condition, kingdom_id]
    assert ids({"w": {"entityType": "KINGDOM"}}) == [kingdom_id]
    assert ids({"w": {"entityId": None}}) == [type_condition]
    assert ids({"w": {"entityId": scene.ids["settlement"]}}) == [condition]
    assert ids({"w": {"field": "might"}}) == [kingdom_id]
    assert ids({"w": {"createdBy": str(persona_user("owner").pk), "isActive": True}}) == [
        condition,
        kingdom_id,
        type_condition,
    ]
    assert ids({"w": {"createdAfter": "2999-01-01T00:00:00Z"}}) == []
    assert str(gone.uid) in ids({"w": {"includeDeleted": True}})
    assert ids({"s": 1, "t": 1}) == [kingdom_id]
    bad_skip = gql(query, {"s": -1}, "owner")
    assert code_of(bad_skip) == "BAD_REQUEST"
    assert error_of(bad_skip)["extensions"]["field"] == "skip"


def test_list_field_conditions_take_is_capped_at_one_hundred(
    gql: GraphQLClient, scene: Scene
) -> None:
    FieldCondition.objects.bulk_create(
        FieldCondition(
            branch=scene.settlement.branch,
            target_type="kingdom",
            field=f"f{i}",
            expression=i,
        )
        for i in range(120)
    )

    body = ok(gql("{ listFieldConditions(take: 1000) { id } }", None, "owner"))

    assert len(body["listFieldConditions"]) == 100


def test_list_field_conditions_shows_only_readable_campaigns_in_full_pages(
    gql: GraphQLClient, scene: Scene, world: Any
) -> None:
    # Given a campaign of the outsider's own, with one condition
    from campaign.actions import campaigns, worlds

    outsider = Actor(persona_user("outsider"))
    own_world = worlds.create_world(outsider, data={"name": "Elsewhere", "calendars": []})
    own = campaigns.create_campaign(outsider, world_id=own_world.pk, data={"name": "Mine"})
    mine = rules.create_field_condition(
        outsider,
        data={"entity_type": "kingdom", "campaign_id": str(own.pk), "field": "x", "expression": 1},
    )

    # When the outsider lists one condition at a time
    first = ok(gql("{ listFieldConditions(take: 1) { id } }", persona="outsider"))

    # Then the page holds theirs (the others' are filtered in SQL, not after paging)
    assert first["listFieldConditions"] == [{"id": str(mine.uid)}]
    every = ok(gql("{ listFieldConditions { id } }", persona="viewer"))["listFieldConditions"]
    assert {"id": str(mine.uid)} not in every


def test_evaluating_a_condition_returns_its_value_and_trace(
    gql: GraphQLClient, scene: Scene
) -> None:
    query = (
        "query($i: EvaluateConditionInput!) { evaluateFieldCondition(input: $i) {"
        " success value error trace { step operation description input output passed } } }"
    )

    result = ok(
        gql(
            query,
            {"i": {"conditionId": scene.ids["condition"], "context": {"settlement": {"level": 2}}}},
            "viewer",
        )
    )["evaluateFieldCondition"]

    assert result["success"] is True
    assert result["value"] is False
    assert result["error"] is None
    assert [(s["operation"], s["input"], s["output"], s["passed"]) for s in result["trace"]] == [
        ("var", ["settlement.level"], 2, True),
        (">=", [2, 3], False, True),
    ]
    assert result["trace"][0]["step"] == "1"


def test_a_failing_evaluation_is_a_result_not_an_error(gql: GraphQLClient, scene: Scene) -> None:
    # Given a condition that fails at evaluation time (clamp with low > high)
    failing = rules.create_field_condition(
        Actor(persona_user("owner")),
        data={
            "entity_type": "settlement",
            "entity_id": scene.ids["settlement"],
            "field": "odd",
            "expression": {"clamp": [{"var": "x"}, 10, 1]},
        },
    )
    query = (
        "query($i: EvaluateConditionInput!) { evaluateFieldCondition(input: $i) {"
        " success value error trace { operation passed } } }"
    )

    # When it is evaluated, and when a context is not an object
    failed = ok(gql(query, {"i": {"conditionId": str(failing.uid), "context": {"x": 5}}}, "owner"))
    not_object = ok(gql(query, {"i": {"conditionId": str(failing.uid), "context": [1]}}, "owner"))

    # Then both are unsuccessful results naming the problem, with a last step that failed
    result = failed["evaluateFieldCondition"]
    assert result["success"] is False
    assert result["value"] is None
    assert "clamp" in result["error"]
    assert result["trace"][-1] == {"operation": "error", "passed": False}
    assert not_object["evaluateFieldCondition"]["success"] is False
    assert "object" in not_object["evaluateFieldCondition"]["error"]


# --- State variables ---------------------------------------------------------------------------


def test_a_state_variable_is_created_read_updated_toggled_and_deleted(
    gql: GraphQLClient, scene: Scene
) -> None:
    create = (
        f"mutation($i: CreateStateVariableInput!) {{ createStateVariable(input: $i) {{"
        f" {VARIABLE_FIELDS} }} }}"
    )
    created = ok(
        gql(
            create,
            {
                "i": {
                    "scope": "KINGDOM",
                    "scopeId": scene.ids["kingdom"],
                    "key": "morale",
                    "type": "FLOAT",
                    "value": 0.5,
                    "description": "How the people feel",
                }
            },
            "gm",
        )
    )["createStateVariable"]
    variable_id = created["id"]
    update = (
        "mutation($id: ID!, $i: UpdateStateVariableInput!) {"
        " updateStateVariable(id: $id, input: $i) { value version } }"
    )

    updated = ok(gql(update, {"id": variable_id, "i": {"value": 0.75}}, "owner"))[
        "updateStateVariable"
    ]
    locked = ok(
        gql(update, {"id": variable_id, "i": {"value": 1.0, "expectedVersion": 2}}, "owner")
    )
    stale = gql(update, {"id": variable_id, "i": {"value": 0.1, "expectedVersion": 2}}, "owner")
    wrong_type = gql(update, {"id": variable_id, "i": {"value": "high"}}, "owner")
    toggled = ok(
        gql(
            "mutation($id: ID!) { toggleStateVariableActive(id: $id, isActive: false) {"
            " isActive } }",
            {"id": variable_id},
            "owner",
        )
    )
    read = ok(
        gql(
            "query($id: ID!) { getStateVariable(id: $id) { value isActive } }",
            {"id": variable_id},
            "player",
        )
    )
    deleted = ok(
        gql("mutation($id: ID!) { deleteStateVariable(id: $id) }", {"id": variable_id}, "owner")
    )
    after = ok(
        gql("query($id: ID!) { getStateVariable(id: $id) { id } }", {"id": variable_id}, "owner")
    )

    assert created["scope"] == "KINGDOM"
    assert created["type"] == "FLOAT"
    assert created["scopeId"] == scene.ids["kingdom"]
    assert created["value"] == 0.5
    assert created["formula"] is None
    assert created["campaignId"] == scene.ids["campaign"]
    assert created["createdBy"] == str(persona_user("gm").pk)
    assert updated == {"value": 0.75, "version": 2}
    assert locked["updateStateVariable"] == {"value": 1.0, "version": 3}
    assert code_of(stale) == "CONFLICT"
    assert code_of(wrong_type) == "BAD_REQUEST"
    assert error_of(wrong_type)["extensions"]["field"] == "value"
    assert toggled["toggleStateVariableActive"] == {"isActive": False}
    assert read["getStateVariable"] == {"value": 1.0, "isActive": False}
    assert deleted == {"deleteStateVariable": True}
    assert after == {"getStateVariable": None}


def test_a_derived_variable_shows_its_computed_value(gql: GraphQLClient, scene: Scene) -> None:
    query = f"query($id: ID!) {{ getStateVariable(id: $id) {{ {VARIABLE_FIELDS} }} }}"

    wealth = ok(gql(query, {"id": scene.ids["wealth"]}, "viewer"))["getStateVariable"]
    era = ok(gql(query, {"id": scene.ids["era"]}, "viewer"))["getStateVariable"]

    # gold (100, the campaign's) times the settlement's level (5)
    assert wealth["value"] == 500
    assert wealth["valueError"] is None
    assert wealth["type"] == "DERIVED"
    assert wealth["formula"] == {"*": [{"var": "var.gold"}, {"var": "settlement.level"}]}
    assert era["scope"] == "WORLD"
    assert era["scopeId"] == scene.ids["world"]
    assert era["campaignId"] is None
    assert era["branchId"] is None
    assert era["value"] == "Age of Lost Omens"


def test_variables_for_a_scope(gql: GraphQLClient, scene: Scene) -> None:
    query = (
        "query($s: VariableScope!, $id: ID, $k: String) {"
        " getVariablesForScope(scope: $s, scopeId: $id, key: $k) { key value } }"
    )

    settlement = ok(gql(query, {"s": "SETTLEMENT", "id": scene.ids["settlement"]}, "player"))
    campaign = ok(gql(query, {"s": "CAMPAIGN", "id": scene.ids["campaign"], "k": "gold"}, "owner"))
    world = ok(gql(query, {"s": "WORLD", "id": scene.ids["world"]}, "viewer"))
    no_scope = gql(query, {"s": "WORLD"}, "owner")

    assert settlement["getVariablesForScope"] == [{"key": "wealth", "value": 500}]
    assert campaign["getVariablesForScope"] == [{"key": "gold", "value": 100}]
    assert world["getVariablesForScope"] == [{"key": "era", "value": "Age of Lost Omens"}]
    assert code_of(no_scope) == "BAD_REQUEST"


def test_list_state_variables_filters_and_orders(gql: GraphQLClient, scene: Scene) -> None:
    query = (
        "query($w: StateVariableWhereInput, $o: StateVariableOrderByInput) {"
        " listStateVariables(where: $w, orderBy: $o) { key value } }"
    )

    def keys(variables: dict[str, Any], persona: str = "viewer") -> list[str]:
        body = ok(gql(query, variables, persona))
        return [v["key"] for v in body["listStateVariables"]]

    assert keys({}) == ["era", "gold", "wealth"]
    assert keys({"o": {"field": "KEY", "order": "DESC"}}) == ["wealth", "gold", "era"]
    assert keys({"o": {"field": "SCOPE"}}) == ["gold", "wealth", "era"]
    assert keys({"w": {"scope": "SETTLEMENT"}}) == ["wealth"]
    assert keys({"w": {"type": "DERIVED"}}) == ["wealth"]
    assert keys({"w": {"key": "gold"}}) == ["gold"]
    assert keys({"w": {"scopeId": scene.ids["world"]}}) == ["era"]
    assert keys({}, "outsider") == []
    values = ok(gql(query, {"w": {"key": "wealth"}}, "owner"))["listStateVariables"]
    assert values == [{"key": "wealth", "value": 500}]


def test_evaluating_a_variable_returns_its_value_and_trace(
    gql: GraphQLClient, scene: Scene
) -> None:
    query = (
        "query($i: EvaluateVariableInput!) { evaluateStateVariable(input: $i) {"
        " variableId key scope scopeId success value error"
        " trace { step operation description input output passed } } }"
    )

    derived = ok(gql(query, {"i": {"variableId": scene.ids["wealth"]}}, "viewer"))
    overridden = ok(
        gql(
            query,
            {"i": {"variableId": scene.ids["wealth"], "context": {"var": {"gold": 3}}}},
            "owner",
        )
    )
    stored = ok(gql(query, {"i": {"variableId": scene.ids["gold"]}}, "owner"))

    result = derived["evaluateStateVariable"]
    assert result["success"] is True
    assert result["value"] == 500
    assert result["variableId"] == scene.ids["wealth"]
    assert result["key"] == "wealth"
    assert result["scope"] == "SETTLEMENT"
    assert result["scopeId"] == scene.ids["settlement"]
    assert [s["operation"] for s in result["trace"]] == ["var", "var", "*"]
    assert result["trace"][-1]["output"] == 500
    assert overridden["evaluateStateVariable"]["value"] == 15
    assert stored["evaluateStateVariable"]["value"] == 100
    assert stored["evaluateStateVariable"]["trace"][0]["output"] == 100


def test_a_failing_derived_variable_is_an_unsuccessful_result(
    gql: GraphQLClient, scene: Scene
) -> None:
    failing = rules.create_state_variable(
        Actor(persona_user("owner")),
        data={
            "scope": "campaign",
            "scope_id": scene.ids["campaign"],
            "key": "broken",
            "type": "derived",
            "formula": {"clamp": [{"var": "var.gold"}, 10, 1]},
        },
    )

    evaluated = ok(
        gql(
            "query($i: EvaluateVariableInput!) { evaluateStateVariable(input: $i) {"
            " success value error trace { passed } } }",
            {"i": {"variableId": str(failing.uid)}},
            "owner",
        )
    )["evaluateStateVariable"]
    read = ok(
        gql(
            "query($id: ID!) { getStateVariable(id: $id) { value valueError } }",
            {"id": str(failing.uid)},
            "owner",
        )
    )["getStateVariable"]

    assert evaluated["success"] is False
    assert evaluated["value"] is None
    assert "clamp" in evaluated["error"]
    assert evaluated["trace"][-1]["passed"] is False
    assert read["value"] is None
    assert "clamp" in read["valueError"]


def test_a_formula_closing_a_cycle_is_a_bad_request_naming_the_cycle(
    gql: GraphQLClient, scene: Scene
) -> None:
    # Given a derived campaign variable a that reads b
    create = "mutation($i: CreateStateVariableInput!) { createStateVariable(input: $i) { id } }"
    base = {"scope": "CAMPAIGN", "scopeId": scene.ids["campaign"], "type": "DERIVED"}
    a = ok(gql(create, {"i": {**base, "key": "a", "formula": {"var": "var.b"}}}, "owner"))
    b = ok(
        gql(
            create, {"i": {**base, "key": "b", "formula": {"+": [{"var": "var.gold"}, 1]}}}, "owner"
        )
    )
    a_id, b_id = a["createStateVariable"]["id"], b["createStateVariable"]["id"]

    # When b is changed to read a
    body = gql(
        "mutation($id: ID!, $i: UpdateStateVariableInput!) {"
        " updateStateVariable(id: $id, input: $i) { id } }",
        {"id": b_id, "i": {"formula": {"*": [{"var": "var.a"}, 2]}}},
        "owner",
    )

    # Then it is refused, naming the cycle, and b keeps its formula
    error = error_of(body)
    assert error["extensions"]["code"] == "BAD_REQUEST"
    assert error["extensions"]["field"] == "formula"
    assert error["extensions"]["cycle"] == [
        f"VARIABLE:{b_id}",
        f"VARIABLE:{a_id}",
        f"VARIABLE:{b_id}",
    ]
    assert "campaign:b -> campaign:a -> campaign:b" in error["message"]
    assert StateVariable.objects.get(uid=b_id).formula == {"+": [{"var": "var.gold"}, 1]}


# --- Effects -----------------------------------------------------------------------------------


def test_an_effect_is_created_read_updated_toggled_and_deleted(
    gql: GraphQLClient, scene: Scene
) -> None:
    create = f"mutation($i: CreateEffectInput!) {{ createEffect(input: $i) {{ {EFFECT_FIELDS} }} }}"
    created = ok(
        gql(
            create,
            {
                "i": {
                    "entityType": "Encounter",
                    "entityId": scene.ids["encounter"],
                    "name": "Loot",
                    "effectType": "patch",
                    "payload": [{"op": "add", "path": "/variables/loot", "value": 50}],
                }
            },
            "gm",
        )
    )["createEffect"]
    effect_id = created["id"]
    update = (
        "mutation($id: ID!, $i: UpdateEffectInput!) {"
        " updateEffect(id: $id, input: $i) { version timing priority name } }"
    )

    updated = ok(
        gql(
            update,
            {
                "id": effect_id,
                "i": {"expectedVersion": 1, "timing": "POST", "priority": 4, "name": "Big loot"},
            },
            "owner",
        )
    )
    stale = gql(update, {"id": effect_id, "i": {"expectedVersion": 1, "name": "x"}}, "owner")
    bad_patch = gql(
        update,
        {
            "id": effect_id,
            "i": {
                "expectedVersion": 2,
                "payload": [{"op": "replace", "path": "/version", "value": 1}],
            },
        },
        "owner",
    )
    toggled = ok(
        gql(
            "mutation($id: ID!) { toggleEffectActive(id: $id, isActive: false) { isActive } }",
            {"id": effect_id},
            "owner",
        )
    )
    read = ok(
        gql(
            "query($id: ID!) { getEffect(id: $id) { name isActive timing } }",
            {"id": effect_id},
            "player",
        )
    )
    deleted = ok(gql("mutation($id: ID!) { deleteEffect(id: $id) }", {"id": effect_id}, "owner"))
    after = ok(gql("query($id: ID!) { getEffect(id: $id) { id } }", {"id": effect_id}, "owner"))

    assert created["entityType"] == "encounter"
    assert created["entityId"] == scene.ids["encounter"]
    assert created["targetType"] == "self"
    assert created["targetId"] is None
    assert created["timing"] == "ON_RESOLVE"
    assert created["priority"] == 0
    assert created["version"] == 1
    assert updated["updateEffect"] == {
        "version": 2,
        "timing": "POST",
        "priority": 4,
        "name": "Big loot",
    }
    assert code_of(stale) == "CONFLICT"
    assert code_of(bad_patch) == "BAD_REQUEST"
    assert error_of(bad_patch)["extensions"]["field"] == "payload.0.path"
    assert toggled["toggleEffectActive"] == {"isActive": False}
    assert read["getEffect"] == {"name": "Big loot", "isActive": False, "timing": "POST"}
    assert deleted == {"deleteEffect": True}
    assert after == {"getEffect": None}


def test_an_effect_shows_its_target_and_executions(gql: GraphQLClient, scene: Scene) -> None:
    body = ok(
        gql(
            "query($id: ID!) { getEffect(id: $id) { targetType targetId executions {"
            " id effectId entityType entityId executedAt executedBy context result error dryRun"
            " status patchApplied"
            " effect { id name } } } }",
            {"id": scene.ids["effect"]},
            "viewer",
        )
    )["getEffect"]

    assert body["targetType"] == "settlement"
    assert body["targetId"] == scene.ids["settlement"]
    (execution,) = body["executions"]
    assert execution["id"] == str(scene.execution.pk)
    assert execution["effectId"] == scene.ids["effect"]
    assert execution["effect"] == {"id": scene.ids["effect"], "name": "Festival joy"}
    assert execution["entityType"] == "event"
    assert execution["entityId"] == scene.ids["event"]
    assert execution["executedBy"] == str(persona_user("owner").pk)
    assert execution["context"] == {"level": 5}
    assert execution["result"]["success"] is True
    assert execution["error"] is None
    assert execution["dryRun"] is False
    assert execution["status"] == "success"
    assert execution["patchApplied"] == [{"op": "replace", "path": "/level", "value": 6}]


def test_effects_for_an_entity_and_the_effect_list(gql: GraphQLClient, scene: Scene) -> None:
    owner = Actor(persona_user("owner"))
    rules.create_effect(
        owner,
        data={
            "entity_type": "event",
            "entity_id": scene.ids["event"],
            "name": "Early",
            "effect_type": "patch",
            "priority": 0,
            "payload": [{"op": "replace", "path": "/description", "value": "begun"}],
        },
    )
    rules.create_effect(
        owner,
        data={
            "entity_type": "event",
            "entity_id": scene.ids["event"],
            "name": "Before",
            "effect_type": "notice",
            "timing": "PRE",
            "payload": [{"op": "replace", "path": "/description", "value": "soon"}],
        },
    )
    for_entity = (
        "query($t: String!, $id: ID!, $timing: EffectTiming!) {"
        " getEffectsForEntity(entityType: $t, entityId: $id, timing: $timing) { name } }"
    )
    listing = (
        "query($w: EffectWhereInput, $o: EffectOrderByInput) {"
        " listEffects(where: $w, orderBy: $o) { name } }"
    )

    def names(query: str, variables: dict[str, Any]) -> list[str]:
        return [e["name"] for e in next(iter(ok(gql(query, variables, "player")).values()))]

    assert names(for_entity, {"t": "EVENT", "id": scene.ids["event"], "timing": "ON_RESOLVE"}) == [
        "Early",
        "Festival joy",
    ]
    assert names(for_entity, {"t": "event", "id": scene.ids["event"], "timing": "PRE"}) == [
        "Before"
    ]
    assert names(listing, {}) == ["Early", "Before", "Festival joy"]
    assert names(listing, {"o": {"field": "NAME", "order": "DESC"}}) == [
        "Festival joy",
        "Early",
        "Before",
    ]
    assert names(listing, {"w": {"name": "FEST"}}) == ["Festival joy"]
    assert names(listing, {"w": {"timing": "PRE"}}) == ["Before"]
    assert names(listing, {"w": {"effectType": "notice"}}) == ["Before"]
    assert names(listing, {"w": {"entityType": "Encounter"}}) == []
    assert names(listing, {"w": {"entityId": scene.ids["event"], "isActive": True}}) == [
        "Early",
        "Before",
        "Festival joy",
    ]
    unsupported = gql(
        for_entity, {"t": "settlement", "id": scene.ids["settlement"], "timing": "PRE"}, "owner"
    )
    assert code_of(unsupported) == "BAD_REQUEST"


# --- Dependency graph --------------------------------------------------------------------------

GRAPH = """
query($c: ID!, $b: String!) {
  getDependencyGraph(campaignId: $c, branchId: $b) {
    campaignId branchId builtAt
    nodes { id type entityId label metadata }
    edges { fromId toId type metadata }
    stats { nodeCount edgeCount variableCount conditionCount effectCount entityCount }
  }
}
"""


def test_the_dependency_graph_of_a_campaign(gql: GraphQLClient, scene: Scene) -> None:
    graph = ok(gql(GRAPH, {"c": scene.ids["campaign"], "b": "main"}, "viewer"))[
        "getDependencyGraph"
    ]

    wealth, gold = f"VARIABLE:{scene.ids['wealth']}", f"VARIABLE:{scene.ids['gold']}"
    nodes = {n["id"]: n for n in graph["nodes"]}
    edges = {(e["fromId"], e["toId"], e["type"]) for e in graph["edges"]}
    assert graph["campaignId"] == scene.ids["campaign"]
    assert graph["branchId"] == "main"
    assert graph["builtAt"].endswith("Z")
    assert nodes[wealth]["label"] == "settlement:wealth"
    assert nodes[wealth]["type"] == "VARIABLE"
    assert nodes[f"CONDITION:{scene.ids['condition']}"]["metadata"]["field"] == "is_trade_hub"
    assert nodes[f"EFFECT:{scene.ids['effect']}"]["type"] == "EFFECT"
    assert (wealth, gold, "READS") in edges
    assert (wealth, "VARIABLE:settlement.level", "READS") in edges
    assert (f"EFFECT:{scene.ids['effect']}", "VARIABLE:settlement.level", "WRITES") in edges
    assert graph["stats"] == {
        "nodeCount": len(nodes),
        "edgeCount": len(graph["edges"]),
        "variableCount": 4,
        "conditionCount": 2,
        "effectCount": 1,
        "entityCount": 1,
    }


def test_the_dependency_graph_reads_as_the_originals_clients_read_it(
    gql: GraphQLClient, scene: Scene
) -> None:
    """Entity fields are virtual VARIABLE nodes, effects carry the original's metadata, and every
    edge names its variable key (original-rules.md §9.1)."""
    graph = ok(gql(GRAPH, {"c": scene.ids["campaign"], "b": "main"}, "viewer"))[
        "getDependencyGraph"
    ]

    nodes = {n["id"]: n for n in graph["nodes"]}
    edges = {(e["fromId"], e["toId"], e["type"]): e["metadata"] for e in graph["edges"]}
    effect = f"EFFECT:{scene.ids['effect']}"
    wealth, gold = f"VARIABLE:{scene.ids['wealth']}", f"VARIABLE:{scene.ids['gold']}"
    assert nodes["VARIABLE:settlement.level"] == {
        "id": "VARIABLE:settlement.level",
        "type": "VARIABLE",
        "entityId": "settlement.level",
        "label": "settlement.level",
        "metadata": {
            "key": "settlement.level",
            "virtual": True,
            "entityType": "settlement",
            "field": "level",
        },
    }
    assert {"ENTITY"}.isdisjoint(n["type"] for n in graph["nodes"])
    metadata = nodes[effect]["metadata"]
    assert {k: metadata[k] for k in ("effectType", "entityType", "entityId", "timing")} == {
        "effectType": "patch",
        "entityType": "event",
        "entityId": scene.ids["event"],
        "timing": "ON_RESOLVE",
    }
    assert metadata["priority"] == 2
    assert edges[(wealth, gold, "READS")] == {"variableKey": "gold"}
    assert edges[(effect, "VARIABLE:settlement.level", "WRITES")] == {
        "variableKey": "settlement.level"
    }


def test_node_dependencies_dependents_order_and_validation(
    gql: GraphQLClient, scene: Scene
) -> None:
    args = {"c": scene.ids["campaign"]}
    wealth, gold = f"VARIABLE:{scene.ids['wealth']}", f"VARIABLE:{scene.ids['gold']}"
    query = """
    query($c: ID!, $n: ID!) {
      deps: getNodeDependencies(campaignId: $c, nodeId: $n) { id }
      dependents: getNodeDependents(campaignId: $c, nodeId: "VARIABLE:settlement.level") { id }
      order: getEvaluationOrder(campaignId: $c)
      check: validateDependencyGraph(campaignId: $c) { hasCycles cycleCount cycles { path } }
    }
    """

    body = ok(gql(query, {**args, "n": wealth}, "player"))

    assert {n["id"] for n in body["deps"]} == {gold, "VARIABLE:settlement.level"}
    assert {n["id"] for n in body["dependents"]} == {
        wealth,
        f"CONDITION:{scene.ids['condition']}",
        f"EFFECT:{scene.ids['effect']}",
    }
    assert body["order"].index(gold) < body["order"].index(wealth)
    assert body["check"] == {"hasCycles": False, "cycleCount": 0, "cycles": []}
    unknown = ok(gql(query, {**args, "n": "VARIABLE:nothing"}, "owner"))
    assert unknown["deps"] == []


def test_a_cycle_empties_the_evaluation_order_once_the_graph_is_invalidated(
    gql: GraphQLClient, scene: Scene
) -> None:
    # Given a cycle written behind the actions' back (so the cached graph does not know it)
    campaign = scene.ids["campaign"]
    query = """
    query($c: ID!) {
      order: getEvaluationOrder(campaignId: $c)
      check: validateDependencyGraph(campaignId: $c) {
        hasCycles cycleCount cycles { path description } }
    }
    """
    tax = rules.create_state_variable(
        Actor(persona_user("owner")),
        data={
            "scope": "settlement",
            "scope_id": scene.ids["settlement"],
            "key": "tax",
            "type": "derived",
            "formula": {"/": [{"var": "var.wealth"}, 10]},
        },
    )
    before = ok(gql(query, {"c": campaign}, "owner"))
    StateVariable.objects.filter(pk=scene.wealth.pk).update(formula={"var": "var.tax"})

    # When a GM invalidates the graph
    cached = ok(gql(query, {"c": campaign}, "owner"))
    invalidated = ok(
        gql(
            "mutation($c: ID!) { invalidateDependencyGraph(campaignId: $c) }", {"c": campaign}, "gm"
        )
    )
    after = ok(gql(query, {"c": campaign}, "owner"))

    # Then the cached graph was served until then, and the rebuilt one has the cycle
    wealth, tax_id = f"VARIABLE:{scene.ids['wealth']}", f"VARIABLE:{tax.uid}"
    assert cached == before
    assert invalidated == {"invalidateDependencyGraph": True}
    assert after["order"] == []
    assert after["check"]["hasCycles"] is True
    assert after["check"]["cycleCount"] == 1
    (cycle,) = after["check"]["cycles"]
    assert cycle["path"] in ([tax_id, wealth, tax_id], [wealth, tax_id, wealth])
    assert cycle["description"].startswith("Cycle detected: ")


def test_the_graph_of_another_branch(gql: GraphQLClient, scene: Scene, owner: Actor) -> None:
    # Given a branch with a rule of its own
    branch = branches.create_branch(
        owner,
        campaign_id=scene.campaign.pk,
        parent_id=scene.settlement.branch_id,
        data={"name": "What if"},
    )
    kingdom = kingdoms.create_kingdom(
        owner, campaign_id=scene.campaign.pk, data={"name": "Alt"}, branch_id=branch.pk
    )
    rules.create_field_condition(
        owner,
        data={
            "entity_type": "kingdom",
            "entity_id": str(kingdom.uid),
            "branch_id": str(branch.pk),
            "field": "alt",
            "expression": 1,
        },
    )

    main = ok(gql(GRAPH, {"c": scene.ids["campaign"], "b": "main"}, "owner"))["getDependencyGraph"]
    other = ok(gql(GRAPH, {"c": scene.ids["campaign"], "b": str(branch.pk)}, "owner"))[
        "getDependencyGraph"
    ]
    foreign = gql(
        GRAPH, {"c": scene.ids["campaign"], "b": "8f4a3a52-0000-4000-8000-000000000000"}, "owner"
    )

    assert other["branchId"] == str(branch.pk)
    labels = {n["label"] for n in other["nodes"]}
    assert "kingdom.alt" in labels
    assert "kingdom.alt" not in {n["label"] for n in main["nodes"]}
    assert code_of(foreign) == "NOT_FOUND"
    listed = ok(
        gql(
            "query($b: ID, $c: ID) { onBranch: listFieldConditions(branchId: $b) { field }"
            " ofCampaign: listFieldConditions(campaignId: $c) { field } }",
            {"b": str(branch.pk), "c": scene.ids["campaign"]},
            "owner",
        )
    )
    # (the branch also holds its copies of the main branch's conditions)
    assert {"field": "alt"} in listed["onBranch"]
    assert len(listed["onBranch"]) == len(listed["ofCampaign"]) + 1
    assert {"field": "alt"} not in listed["ofCampaign"]


# --- Computed fields ---------------------------------------------------------------------------


def test_computed_fields_of_every_entity_type(gql: GraphQLClient, scene: Scene) -> None:
    owner = Actor(persona_user("owner"))
    for kind in ("kingdom", "party", "character", "structure"):
        rules.create_field_condition(
            owner,
            data={
                "entity_type": kind,
                "campaign_id": scene.ids["campaign"],
                "field": "tag",
                "expression": {"cat": [kind, ":", {"var": f"{kind}.name"}]},
            },
        )
    rules.create_field_condition(
        owner,
        data={
            "entity_type": "settlement",
            "entity_id": scene.ids["settlement"],
            "field": "is_trade_hub",
            "expression": {"clamp": [1, 10, 1]},
            "priority": 99,
        },
    )
    query = """
    query($k: ID!, $s: ID!, $c: ID!) {
      kingdom(id: $k) { computedFields }
      settlement(id: $s) { computedFields computedFieldErrors
                           structures { computedFields } }
      partiesByCampaign(campaignId: $c) { computedFields }
      charactersByCampaign(campaignId: $c) { computedFields computedFieldErrors }
    }
    """

    body = ok(
        gql(
            query,
            {"k": scene.ids["kingdom"], "s": scene.ids["settlement"], "c": scene.ids["campaign"]},
            "viewer",
        )
    )

    assert body["kingdom"]["computedFields"] == {"tag": "kingdom:Brevoy"}
    settlement = body["settlement"]
    assert settlement["computedFields"] == {"is_trade_hub": True}
    assert list(settlement["computedFieldErrors"]) == ["is_trade_hub"]
    assert "clamp" in settlement["computedFieldErrors"]["is_trade_hub"][0]
    assert settlement["structures"] == [{"computedFields": {"tag": "structure:Temple"}}]
    assert body["partiesByCampaign"] == [{"computedFields": {"tag": "party:Stolen Lands Company"}}]
    assert body["charactersByCampaign"] == [
        {"computedFields": {"tag": "character:Amiri"}, "computedFieldErrors": {}}
    ]


def test_computed_fields_follow_an_update_of_the_settlement(
    gql: GraphQLClient, scene: Scene, owner: Actor, django_capture_on_commit_callbacks: Any
) -> None:
    query = "query($s: ID!) { settlement(id: $s) { computedFields } }"
    variables = {"s": scene.ids["settlement"]}
    before = ok(gql(query, variables, "owner"))

    with django_capture_on_commit_callbacks(execute=True):
        settlements.update_settlement(owner, settlement_id=scene.settlement.uid, data={"level": 2})
    after = ok(gql(query, variables, "owner"))

    assert before["settlement"]["computedFields"] == {"is_trade_hub": True}
    assert after["settlement"]["computedFields"] == {"is_trade_hub": False}


def test_computed_fields_follow_a_condition_changed_over_graphql(
    gql: GraphQLClient, scene: Scene, django_capture_on_commit_callbacks: Any
) -> None:
    query = "query($s: ID!) { settlement(id: $s) { computedFields } }"
    variables = {"s": scene.ids["settlement"]}
    ok(gql(query, variables, "owner"))

    with django_capture_on_commit_callbacks(execute=True):
        ok(
            gql(
                "mutation($id: ID!) { toggleFieldConditionActive(id: $id, isActive: false) {"
                " id } }",
                {"id": scene.ids["condition"]},
                "owner",
            )
        )
    after = ok(gql(query, variables, "owner"))

    # The type-wide condition (false) now decides
    assert after["settlement"]["computedFields"] == {"is_trade_hub": False}


def count_queries(gql: GraphQLClient, query: str, variables: dict[str, Any]) -> tuple[int, Any]:
    forget_earlier_requests()
    with CaptureQueriesContext(connection) as captured:
        body = ok(gql(query, variables, "owner"))
    return len(captured), body


def test_settlement_computed_fields_cost_the_same_for_one_or_many(
    gql: GraphQLClient, owner: Actor, campaign: Campaign, django_capture_on_commit_callbacks: Any
) -> None:
    # Given a kingdom with one settlement, a type-wide and an instance condition, a variable
    kingdom = builders.kingdom(owner, campaign)
    first = builders.settlement(owner, kingdom, level=3)
    builders.structure(owner, first)
    rules.create_field_condition(
        owner,
        data={
            "entity_type": "settlement",
            "campaign_id": str(campaign.pk),
            "field": "big",
            "expression": {">": [{"var": "settlement.level"}, {"var": "var.threshold"}]},
        },
    )
    rules.create_state_variable(
        owner,
        data={
            "scope": "campaign",
            "scope_id": str(campaign.pk),
            "key": "threshold",
            "type": "integer",
            "value": 2,
        },
    )
    query = """
    query($k: ID!) {
      settlementsByKingdom(kingdomId: $k) { id computedFields computedFieldErrors
        structures { computedFields } }
    }
    """
    variables = {"k": str(kingdom.uid)}
    for_one, body_one = count_queries(gql, query, variables)

    # When it grows to 25 settlements, each with a condition and a structure of its own, committed
    # (the kingdom's list is cached under a generation that a commit bumps)
    with django_capture_on_commit_callbacks(execute=True):
        for i in range(24):
            settlement = builders.settlement(owner, kingdom, level=1 + i % 5)
            builders.structure(owner, settlement)
            rules.create_field_condition(
                owner,
                data={
                    "entity_type": "settlement",
                    "entity_id": str(settlement.uid),
                    "field": "own",
                    "expression": i,
                },
            )
    for_many, body_many = count_queries(gql, query, variables)

    # Then the request issues as many SQL queries, and computes every settlement's fields
    assert body_one["settlementsByKingdom"][0]["computedFields"] == {"big": True}
    assert len(body_many["settlementsByKingdom"]) == 25
    assert sum("own" in s["computedFields"] for s in body_many["settlementsByKingdom"]) == 24
    assert for_many == for_one
    assert str(first.uid) in {s["id"] for s in body_many["settlementsByKingdom"]}


@pytest.mark.parametrize(
    ("field", "query"),
    [
        ("listFieldConditions", "{ listFieldConditions { id entityId campaignId createdBy } }"),
        ("listStateVariables", "{ listStateVariables { id key value campaignId createdBy } }"),
        (
            "listEffects",
            "{ listEffects { id campaignId executions { id effectId effect { id } } } }",
        ),
    ],
)
def test_rule_lists_cost_the_same_for_one_or_many(
    gql: GraphQLClient, owner: Actor, campaign: Campaign, field: str, query: str
) -> None:

    kingdom = builders.kingdom(owner, campaign)
    event = builders.event(owner, campaign, name="E", event_type="kingdom")

    def add(i: int) -> None:
        settlement = builders.settlement(owner, kingdom, level=1 + i % 5)
        if field == "listFieldConditions":
            rules.create_field_condition(
                owner,
                data={
                    "entity_type": "settlement",
                    "entity_id": str(settlement.uid),
                    "field": "f",
                    "expression": {"+": [{"var": "settlement.level"}, i]},
                },
            )
        elif field == "listStateVariables":
            rules.create_state_variable(
                owner,
                data={
                    "scope": "settlement",
                    "scope_id": str(settlement.uid),
                    "key": "v",
                    "type": "derived",
                    "formula": {"*": [{"var": "settlement.level"}, i]},
                },
            )
        else:
            effect = rules.create_effect(
                owner,
                data={
                    "entity_type": "event",
                    "entity_id": str(event.uid),
                    "name": f"e{i}",
                    "effect_type": "patch",
                    "payload": [{"op": "replace", "path": "/description", "value": str(i)}],
                },
            )
            EffectExecution.objects.create(effect=effect, source_type="event", source_uid=event.uid)

    add(0)
    for_one, body_one = count_queries(gql, query, {})
    for i in range(1, 25):
        add(i)
    for_many, body_many = count_queries(gql, query, {})

    assert len(body_one[field]) == 1
    assert len(body_many[field]) == 25
    assert for_many == for_one
    if field == "listStateVariables":
        assert sorted(v["value"] for v in body_many[field]) == sorted(
            (1 + i % 5) * i for i in range(25)
        )


def test_computed_fields_follow_a_world_variable(
    gql: GraphQLClient, scene: Scene, django_capture_on_commit_callbacks: Any
) -> None:
    # Given a settlement field computed from a world variable
    rules.create_field_condition(
        Actor(persona_user("owner")),
        data={
            "entity_type": "settlement",
            "entity_id": scene.ids["settlement"],
            "field": "era",
            "expression": {"var": "var.era"},
        },
    )
    query = "query($s: ID!) { settlement(id: $s) { computedFields } }"
    variables = {"s": scene.ids["settlement"]}
    before = ok(gql(query, variables, "owner"))

    # When the world's owner changes the variable
    with django_capture_on_commit_callbacks(execute=True):
        ok(
            gql(
                'mutation($id: ID!) { updateStateVariable(id: $id, input: {value: "Age of'
                ' Darkness"}) { id } }',
                {"id": scene.ids["era"]},
                "owner",
            )
        )
    after = ok(gql(query, variables, "owner"))

    # Then the campaigns of the world see the new value
    assert before["settlement"]["computedFields"]["era"] == "Age of Lost Omens"
    assert after["settlement"]["computedFields"]["era"] == "Age of Darkness"


def test_a_world_formula_closing_a_cycle_is_refused(gql: GraphQLClient, scene: Scene) -> None:
    create = "mutation($i: CreateStateVariableInput!) { createStateVariable(input: $i) { id } }"
    base = {"scope": "WORLD", "scopeId": scene.ids["world"], "type": "DERIVED"}

    itself = gql(
        create, {"i": {**base, "key": "x", "formula": {"+": [{"var": "var.x"}, 1]}}}, "owner"
    )
    y = ok(
        gql(create, {"i": {**base, "key": "y", "formula": {"cat": [{"var": "var.era"}]}}}, "owner")
    )
    ok(
        gql(
            create,
            {"i": {**base, "key": "z", "formula": {"cat": [{"var": "var.y"}, "!"]}}},
            "owner",
        )
    )
    closing = gql(
        "mutation($id: ID!, $f: JSON) { updateStateVariable(id: $id, input: {formula: $f})"
        " { id } }",
        {"id": y["createStateVariable"]["id"], "f": {"var": "var.z"}},
        "owner",
    )

    assert code_of(itself) == "BAD_REQUEST"
    assert "world:x -> world:x" in error_of(itself)["message"]
    assert code_of(closing) == "BAD_REQUEST"
    assert len(error_of(closing)["extensions"]["cycle"]) == 3
    assert "world:y" in error_of(closing)["message"]
    assert "world:z" in error_of(closing)["message"]


def test_a_deleted_entity_still_has_computed_fields(owner: Actor, scene: Scene) -> None:
    # Given a settlement soft-deleted (and so hidden from the default manager)
    from rules import computed_fields

    deleted = entities.soft_delete(owner, instance=scene.settlement)

    # When its computed fields are asked for through a reference to it
    result = computed_fields.for_entity(deleted)

    # Then they are computed like any other's: its own condition went with it, the type-wide
    # one still applies
    assert result.values == {"is_trade_hub": False}


def test_state_variables_across_campaigns_cost_the_same_for_one_or_many(
    gql: GraphQLClient, owner: Actor, campaign: Campaign, world: Any
) -> None:
    """Without a campaignId the list spans every campaign the user reads: the derived values
    of all of them are still computed with a constant number of queries."""
    from campaign.actions import campaigns as campaign_actions

    def add_campaign(n: int) -> None:
        other = campaign_actions.create_campaign(
            owner, world_id=world.pk, data={"name": f"Side story {n}"}
        )
        kingdom = builders.kingdom(owner, other)
        for scope, scope_id in (("campaign", str(other.pk)), ("kingdom", str(kingdom.uid))):
            rules.create_state_variable(
                owner,
                data={
                    "scope": scope,
                    "scope_id": scope_id,
                    "key": "base",
                    "type": "integer",
                    "value": n,
                },
            )
            rules.create_state_variable(
                owner,
                data={
                    "scope": scope,
                    "scope_id": scope_id,
                    "key": "double",
                    "type": "derived",
                    "formula": {"*": [{"var": "var.base"}, 2]},
                },
            )

    query = "{ listStateVariables(take: 100) { id key value campaignId } }"
    add_campaign(1)
    for_one, body_one = count_queries(gql, query, {})
    for n in range(2, 6):
        add_campaign(n)
    for_many, body_many = count_queries(gql, query, {})

    assert len(body_one["listStateVariables"]) == 4
    assert len(body_many["listStateVariables"]) == 20
    doubled = sorted(v["value"] for v in body_many["listStateVariables"] if v["key"] == "double")
    assert doubled == sorted([2 * n for n in range(1, 6)] * 2)
    assert for_many == for_one


def test_a_context_too_deep_to_walk_is_a_bad_request(gql: GraphQLClient, scene: Any) -> None:
    deep: Any = {}
    for _ in range(700):
        deep = {"x": deep}
    query = """
    query($id: ID!, $context: JSON!) {
      evaluateFieldCondition(input: {conditionId: $id, context: $context}) { success error }
    }
    """

    body = gql(
        query, {"id": str(scene.type_condition.uid), "context": {"settlement": deep}}, "owner"
    )

    error = body["errors"][0]
    assert error["extensions"]["code"] == "BAD_REQUEST"
    assert error["extensions"]["field"] == "context"
