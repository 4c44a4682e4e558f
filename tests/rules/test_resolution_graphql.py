"""executeEffect, executeEffectsForEntity, completeEvent and resolveEncounter over GraphQL, in
the contract's shapes; the availability of events and encounters as a field."""

from typing import Any

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from campaign.models import Campaign, Settlement
from kernel.actor import Actor
from rules import actions as rules
from rules.models import Effect
from tests import builders
from tests.graphql.spa_operations import OPERATIONS
from tests.graphql_client import GraphQLClient, ok, refusal

SUMMARY = "{ total succeeded failed executionOrder results { success effectId executionId" + (
    " patchApplied affectedFields error before after } }"
)
COMPLETE = (
    "mutation($id: ID!, $dry: Boolean, $force: Boolean) {"
    " completeEvent(id: $id, dryRun: $dry, force: $force) {"
    f" event {{ id isCompleted occurredAt }} pre {SUMMARY} onResolve {SUMMARY} post {SUMMARY}"
    " dryRun forced triggered { entityType entityId onResolve { total } } } }"
)
CREATE_EFFECT = "mutation($i: CreateEffectInput!) { createEffect(input: $i) { id } }"


@pytest.fixture
def town(owner: Actor, campaign: Campaign) -> Settlement:
    return builders.settlement(
        owner,
        builders.kingdom(owner, campaign),
        name="Restov",
        variable_schemas=[{"name": "population", "type": "number"}],
        variables={"population": 1000},
    )


def growth(owner: Actor, source: Any, town: Settlement, value: int, **data: Any) -> Effect:
    return rules.create_effect(
        owner,
        data={
            "entity_type": source.entity_type,
            "entity_id": str(source.uid),
            "target_type": "settlement",
            "target_id": str(town.uid),
            "name": data.pop("name", f"Grow to {value}"),
            "effect_type": "patch",
            "payload": [{"op": "replace", "path": "/variables/population", "value": value}],
            **data,
        },
    )


def test_complete_event_reports_each_phase_and_persists(
    gql: GraphQLClient, owner: Actor, campaign: Campaign, town: Settlement
) -> None:
    festival = builders.event(owner, campaign)
    pre = growth(owner, festival, town, 1100, timing="PRE")
    on_resolve = growth(owner, festival, town, 1200)

    result = ok(gql(COMPLETE, {"id": str(festival.uid)}, "gm"))["completeEvent"]

    assert result["event"]["isCompleted"] is True
    assert result["event"]["occurredAt"]
    assert result["pre"]["executionOrder"] == [str(pre.uid)]
    (applied,) = result["onResolve"]["results"]
    assert applied["effectId"] == str(on_resolve.uid)
    assert applied["executionId"]
    assert applied["before"]["variables"] == {"population": 1100}
    assert applied["after"]["variables"] == {"population": 1200}
    assert applied["affectedFields"] == ["/variables/population"]
    assert (result["post"]["total"], result["dryRun"], result["forced"]) == (0, False, [])
    town.refresh_from_db()
    assert town.variables == {"population": 1200}


def test_a_failing_effect_is_a_bad_request_naming_it(
    gql: GraphQLClient, owner: Actor, campaign: Campaign, town: Settlement
) -> None:
    festival = builders.event(owner, campaign)
    bad = rules.create_effect(
        owner,
        data={
            "entity_type": "event",
            "entity_id": str(festival.uid),
            "name": "Needs a census",
            "effect_type": "patch",
            # Free-form variables: only applying it finds that there is no census to add to.
            "payload": [{"op": "add", "path": "/variables/census/total", "value": 1}],
        },
    )

    error = refusal(gql(COMPLETE, {"id": str(festival.uid)}, "gm"))

    assert error["extensions"]["code"] == "BAD_REQUEST"
    assert error["extensions"]["effectId"] == str(bad.uid)
    assert "Needs a census" in error["message"]
    festival.refresh_from_db()
    assert not festival.is_completed


def test_complete_event_twice_is_refused(
    gql: GraphQLClient, owner: Actor, campaign: Campaign
) -> None:
    festival = builders.event(owner, campaign)
    ok(gql(COMPLETE, {"id": str(festival.uid)}, "gm"))

    error = refusal(gql(COMPLETE, {"id": str(festival.uid)}, "gm"))

    assert error["extensions"]["code"] == "BAD_REQUEST"
    assert "already completed" in error["message"]


def test_a_dry_run_answers_the_same_report_and_writes_nothing(
    gql: GraphQLClient, owner: Actor, campaign: Campaign, town: Settlement, writes: Any
) -> None:
    festival = builders.event(owner, campaign)
    growth(owner, festival, town, 1500)
    before = writes()

    result = ok(gql(COMPLETE, {"id": str(festival.uid), "dry": True}, "gm"))["completeEvent"]

    assert result["dryRun"] is True
    assert result["event"]["isCompleted"] is True
    (applied,) = result["onResolve"]["results"]
    assert applied["after"]["variables"] == {"population": 1500}
    assert applied["executionId"] is None
    assert writes() == before


def test_availability_names_what_stands_in_the_way_and_force_overrides_it(
    gql: GraphQLClient, owner: Actor, campaign: Campaign
) -> None:
    ambush = builders.encounter(owner, campaign, name="Ambush")
    feast = builders.event(owner, campaign, name="Feast")
    builders.link(owner, campaign, ambush, feast, link_type="prerequisite")
    query = "query($id: ID!) { event(id: $id) { availability { available obstacles { kind } } } }"

    availability = ok(gql(query, {"id": str(feast.uid)}, "viewer"))["event"]["availability"]
    assert availability == {"available": False, "obstacles": [{"kind": "prerequisite"}]}
    assert "Ambush" in refusal(gql(COMPLETE, {"id": str(feast.uid)}, "gm"))["message"]

    forced = ok(gql(COMPLETE, {"id": str(feast.uid), "force": True}, "gm"))["completeEvent"]
    assert forced["event"]["isCompleted"] is True
    assert "Ambush" in forced["forced"][0]


def test_execute_effect_and_effects_for_entity(
    gql: GraphQLClient, owner: Actor, campaign: Campaign, town: Settlement
) -> None:
    bandits = builders.encounter(owner, campaign)
    first = growth(owner, bandits, town, 900, timing="PRE", priority=2)
    second = growth(owner, bandits, town, 800, timing="PRE", priority=1)

    dry = ok(
        gql(
            "mutation($id: ID!) { executeEffect(input: {effectId: $id, dryRun: true})"
            " { success executionId after } }",
            {"id": str(first.uid)},
            "gm",
        )
    )["executeEffect"]
    summary = ok(
        gql(
            'mutation($id: ID!) { executeEffectsForEntity(input: {entityType: "Encounter",'
            f" entityId: $id, timing: PRE}}) {SUMMARY} }}",
            {"id": str(bandits.uid)},
            "gm",
        )
    )["executeEffectsForEntity"]

    assert dry == {"success": True, "executionId": None, "after": dry["after"]}
    assert dry["after"]["variables"] == {"population": 900}
    assert summary["executionOrder"] == [str(second.uid), str(first.uid)]
    assert (summary["total"], summary["succeeded"], summary["failed"]) == (2, 2, 0)
    town.refresh_from_db()
    assert town.variables == {"population": 900}


def test_a_caller_supplied_context_is_refused(
    gql: GraphQLClient, owner: Actor, campaign: Campaign, town: Settlement
) -> None:
    effect = growth(owner, builders.event(owner, campaign), town, 5)

    error = refusal(
        gql(
            "mutation($id: ID!) { executeEffect(input: {effectId: $id, context: {level: 9}})"
            " { success } }",
            {"id": str(effect.uid)},
            "gm",
        )
    )

    assert error["extensions"]["field"] == "context"


def test_a_forbidden_path_is_refused_naming_it(
    gql: GraphQLClient, owner: Actor, campaign: Campaign, town: Settlement
) -> None:
    festival = builders.event(owner, campaign)

    error = refusal(
        gql(
            CREATE_EFFECT,
            {
                "i": {
                    "entityType": "event",
                    "entityId": str(festival.uid),
                    "targetType": "settlement",
                    "targetId": str(town.uid),
                    "name": "Steal it",
                    "effectType": "patch",
                    "payload": [{"op": "replace", "path": "/ownerId", "value": "me"}],
                }
            },
            "gm",
        )
    )

    assert error["extensions"]["field"] == "payload.0.path"
    assert not Effect.objects.exists()


@pytest.mark.parametrize("name", ["CompleteEvent", "ResolveEncounter"])
def test_the_apps_own_resolution_operations_run(
    gql: GraphQLClient, owner: Actor, campaign: Campaign, town: Settlement, name: str
) -> None:
    # Given an event or encounter with an effect, and the single-page app's document
    make = builders.event if name == "CompleteEvent" else builders.encounter
    source = make(owner, campaign)
    effect = growth(owner, source, town, 1300)

    # When the app sends it
    (result,) = ok(gql(OPERATIONS[name], {"id": str(source.uid)}, "gm")).values()

    # Then the effect ran and is reported in the shape the app reads
    assert result["onResolve"] == {
        "total": 1,
        "succeeded": 1,
        "failed": 0,
        "results": [{"effectId": str(effect.uid), "success": True, "error": None}],
        "executionOrder": [str(effect.uid)],
    }


def test_availability_of_a_list_costs_the_same_queries_for_more_rows(
    gql: GraphQLClient, owner: Actor, campaign: Campaign
) -> None:
    # Given events each with a prerequisite and an availability condition
    query = (
        "query($c: ID!) { eventsByCampaign(campaignId: $c) {"
        " id availability { available obstacles { kind message } } } }"
    )

    def add_events(count: int) -> None:
        for _ in range(count):
            event = builders.event(owner, campaign)
            builders.link(
                owner,
                campaign,
                builders.encounter(owner, campaign),
                event,
                link_type="prerequisite",
            )
            rules.create_condition(
                owner,
                data={
                    "entity_type": "event",
                    "entity_id": str(event.uid),
                    "name": "never",
                    "expression": False,
                },
            )

    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            events = ok(gql(query, {"c": str(campaign.pk)}, "owner"))["eventsByCampaign"]
        assert all(len(e["availability"]["obstacles"]) == 2 for e in events)
        return len(captured)

    # When the list grows from 2 to 8 events, the queries do not
    add_events(2)
    queries()  # a first request may fill per-process caches
    few = queries()
    add_events(6)

    assert queries() == few
