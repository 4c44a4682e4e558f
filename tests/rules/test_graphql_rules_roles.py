"""The role matrix of the rules root fields: reads need membership, writes GM or
owner, deletes the owner; a non-member never gets data: a rule looked up by id is null, the list
of every rule the caller can see is empty, anything else is NOT_FOUND; anonymous callers get
UNAUTHENTICATED."""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import pytest

from api.graphql.rules.schema import (
    DependencyGraphQueries,
    EffectQueries,
    FieldConditionQueries,
    RulesMutations,
    StateVariableQueries,
)
from tests.builders import Scene
from tests.graphql_client import GraphQLClient

CALLERS = (None, "outsider", "viewer", "player", "gm", "owner")
OK, EMPTY = "OK", "EMPTY"
UNAUTHENTICATED, NOT_FOUND, FORBIDDEN = "UNAUTHENTICATED", "NOT_FOUND", "FORBIDDEN"

MEMBERS = ("viewer", "player", "gm", "owner")

EXPECTED: dict[str, dict[str | None, str]] = {
    "read": {None: UNAUTHENTICATED, "outsider": NOT_FOUND, **dict.fromkeys(MEMBERS, OK)},
    # A rule looked up by id, or the list of all rules the caller sees: nothing for a non-member.
    "find": {None: UNAUTHENTICATED, "outsider": EMPTY, **dict.fromkeys(MEMBERS, OK)},
    "write": {
        None: UNAUTHENTICATED,
        "outsider": NOT_FOUND,
        "viewer": FORBIDDEN,
        "player": FORBIDDEN,
        "gm": OK,
        "owner": OK,
    },
    "manage": {
        None: UNAUTHENTICATED,
        "outsider": NOT_FOUND,
        "viewer": FORBIDDEN,
        "player": FORBIDDEN,
        "gm": FORBIDDEN,
        "owner": OK,
    },
}


@dataclass(frozen=True)
class Case:
    access: str
    document: str
    variables: Callable[[dict[str, str]], dict[str, Any]]


def read(document: str, variables: Callable[[dict[str, str]], dict[str, Any]]) -> Case:
    return Case("read", document, variables)


def find(document: str, variables: Callable[[dict[str, str]], dict[str, Any]]) -> Case:
    return Case("find", document, variables)


def write(document: str, variables: Callable[[dict[str, str]], dict[str, Any]]) -> Case:
    return Case("write", document, variables)


def manage(document: str, variables: Callable[[dict[str, str]], dict[str, Any]]) -> Case:
    return Case("manage", document, variables)


def node(ids: dict[str, str]) -> dict[str, Any]:
    return {"c": ids["campaign"], "n": f"VARIABLE:{ids['wealth']}"}


def campaign(ids: dict[str, str]) -> dict[str, Any]:
    return {"c": ids["campaign"]}


CASES: dict[str, Case] = {
    # Field conditions
    "getFieldCondition": find(
        "query($id: ID!) { getFieldCondition(id: $id) { id } }", lambda i: {"id": i["condition"]}
    ),
    "listFieldConditions": find("{ listFieldConditions { id } }", lambda i: {}),
    "getConditionsForEntity": read(
        'query($id: ID!) { getConditionsForEntity(entityType: "Settlement", entityId: $id)'
        " { id } }",
        lambda i: {"id": i["settlement"]},
    ),
    "evaluateFieldCondition": read(
        "query($id: ID!) { evaluateFieldCondition(input: {conditionId: $id, context: {}})"
        " { success } }",
        lambda i: {"id": i["condition"]},
    ),
    "createFieldCondition": write(
        'mutation($id: ID) { createFieldCondition(input: {entityType: "settlement",'
        ' entityId: $id, field: "f", expression: true}) { id } }',
        lambda i: {"id": i["settlement"]},
    ),
    "updateFieldCondition": write(
        "mutation($id: ID!) { updateFieldCondition(id: $id, input: {expectedVersion: 1,"
        " priority: 3}) { id } }",
        lambda i: {"id": i["condition"]},
    ),
    "toggleFieldConditionActive": write(
        "mutation($id: ID!) { toggleFieldConditionActive(id: $id, isActive: false) { id } }",
        lambda i: {"id": i["condition"]},
    ),
    "deleteFieldCondition": manage(
        "mutation($id: ID!) { deleteFieldCondition(id: $id) }", lambda i: {"id": i["condition"]}
    ),
    # State variables
    "getStateVariable": find(
        "query($id: ID!) { getStateVariable(id: $id) { id value } }",
        lambda i: {"id": i["wealth"]},
    ),
    "getStateVariable (world)": find(
        "query($id: ID!) { getStateVariable(id: $id) { id value } }", lambda i: {"id": i["era"]}
    ),
    "listStateVariables": find("{ listStateVariables { id } }", lambda i: {}),
    "getVariablesForScope": read(
        "query($id: ID) { getVariablesForScope(scope: SETTLEMENT, scopeId: $id) { id } }",
        lambda i: {"id": i["settlement"]},
    ),
    "getVariablesForScope (world)": read(
        "query($id: ID) { getVariablesForScope(scope: WORLD, scopeId: $id) { id } }",
        lambda i: {"id": i["world"]},
    ),
    "evaluateStateVariable": read(
        "query($id: ID!) { evaluateStateVariable(input: {variableId: $id}) { success } }",
        lambda i: {"id": i["wealth"]},
    ),
    "createStateVariable": write(
        "mutation($id: ID) { createStateVariable(input: {scope: SETTLEMENT, scopeId: $id,"
        ' key: "k", type: INTEGER, value: 1}) { id } }',
        lambda i: {"id": i["settlement"]},
    ),
    "updateStateVariable": write(
        "mutation($id: ID!) { updateStateVariable(id: $id, input: {value: 7}) { id } }",
        lambda i: {"id": i["gold"]},
    ),
    "toggleStateVariableActive": write(
        "mutation($id: ID!) { toggleStateVariableActive(id: $id, isActive: false) { id } }",
        lambda i: {"id": i["gold"]},
    ),
    "deleteStateVariable": manage(
        "mutation($id: ID!) { deleteStateVariable(id: $id) }", lambda i: {"id": i["gold"]}
    ),
    # Effects
    "getEffect": find(
        "query($id: ID!) { getEffect(id: $id) { id executions { id } } }",
        lambda i: {"id": i["effect"]},
    ),
    "listEffects": find("{ listEffects { id } }", lambda i: {}),
    "getEffectsForEntity": read(
        'query($id: ID!) { getEffectsForEntity(entityType: "EVENT", entityId: $id,'
        " timing: ON_RESOLVE) { id } }",
        lambda i: {"id": i["event"]},
    ),
    "createEffect": write(
        'mutation($id: ID!) { createEffect(input: {entityType: "event", entityId: $id,'
        ' name: "n", effectType: "patch",'
        ' payload: [{op: "replace", path: "/description", value: "d"}]}) { id } }',
        lambda i: {"id": i["event"]},
    ),
    "updateEffect": write(
        "mutation($id: ID!) { updateEffect(id: $id, input: {expectedVersion: 1, priority: 5})"
        " { id } }",
        lambda i: {"id": i["effect"]},
    ),
    "toggleEffectActive": write(
        "mutation($id: ID!) { toggleEffectActive(id: $id, isActive: false) { id } }",
        lambda i: {"id": i["effect"]},
    ),
    "deleteEffect": manage(
        "mutation($id: ID!) { deleteEffect(id: $id) }", lambda i: {"id": i["effect"]}
    ),
    # Dependency graph
    "getDependencyGraph": read(
        "query($c: ID!) { getDependencyGraph(campaignId: $c) { campaignId } }", campaign
    ),
    "getNodeDependencies": read(
        "query($c: ID!, $n: ID!) { getNodeDependencies(campaignId: $c, nodeId: $n) { id } }",
        node,
    ),
    "getNodeDependents": read(
        "query($c: ID!) { getNodeDependents(campaignId: $c,"
        ' nodeId: "VARIABLE:settlement.level") { id } }',
        campaign,
    ),
    "validateDependencyGraph": read(
        "query($c: ID!) { validateDependencyGraph(campaignId: $c) { hasCycles } }", campaign
    ),
    "getEvaluationOrder": read("query($c: ID!) { getEvaluationOrder(campaignId: $c) }", campaign),
    "invalidateDependencyGraph": write(
        "mutation($c: ID!) { invalidateDependencyGraph(campaignId: $c) }", campaign
    ),
    # Executing effects and resolution
    "executeEffect": write(
        "mutation($id: ID!) { executeEffect(input: {effectId: $id}) { success } }",
        lambda i: {"id": i["effect"]},
    ),
    "executeEffectsForEntity": write(
        'mutation($id: ID!) { executeEffectsForEntity(input: {entityType: "EVENT",'
        " entityId: $id, timing: ON_RESOLVE, dryRun: true}) { total } }",
        lambda i: {"id": i["event"]},
    ),
    "completeEvent": write(
        "mutation($id: ID!) { completeEvent(id: $id) { event { id isCompleted } } }",
        lambda i: {"id": i["event"]},
    ),
    "resolveEncounter": write(
        "mutation($id: ID!) { resolveEncounter(id: $id) { encounter { id } } }",
        lambda i: {"id": i["encounter"]},
    ),
}


def outcome(body: dict[str, Any]) -> str:
    errors = body.get("errors")
    if errors:
        assert len(errors) == 1, errors
        return str(errors[0]["extensions"]["code"])
    (value,) = body["data"].values()
    return EMPTY if value is None or value == [] else OK


def test_every_rules_root_field_is_in_the_matrix() -> None:
    parts = (
        FieldConditionQueries,
        StateVariableQueries,
        EffectQueries,
        DependencyGraphQueries,
        RulesMutations,
    )
    names = {
        "".join(w.capitalize() if n else w for n, w in enumerate(name.split("_")))
        for part in parts
        for name in part._meta.fields
    }

    assert names == {label.split(" ")[0] for label in CASES}


@pytest.mark.parametrize("caller", CALLERS, ids=lambda c: c or "anonymous")
@pytest.mark.parametrize("label", sorted(CASES))
def test_rules_role_matrix(
    gql: GraphQLClient, scene: Scene, label: str, caller: str | None
) -> None:
    # Given a call of the field with real ids
    case = CASES[label]

    # When the caller sends it
    body = gql(case.document, case.variables(scene.ids), caller)

    # Then the outcome is the one the caller's role allows
    assert outcome(body) == EXPECTED[case.access][caller], body


@pytest.mark.parametrize("label", sorted(CASES))
def test_anonymous_callers_learn_nothing_from_unknown_ids(
    gql: GraphQLClient, scene: Scene, label: str
) -> None:
    # Given the field called with ids that exist nowhere
    case = CASES[label]
    unknown = {
        key: "0b5c1a7e-0000-4000-8000-000000000000" if key != "n" else value
        for key, value in case.variables(scene.ids).items()
    }

    # When an anonymous caller sends it, the answer is the one a real id gets
    assert outcome(gql(case.document, unknown, None)) == UNAUTHENTICATED
