"""Versions and audit histories of rows the caller may not see fail exactly as for rows that do
not exist; version ids are parsed strictly."""

import pytest

from campaign.models import Campaign, Version, World
from kernel.actor import Actor
from rules import actions as rule_actions
from tests import builders
from tests.conftest import Personas
from tests.graphql_client import GraphQLClient, error_of

DIFF = '{ versionDiff(versionId1: "%s", versionId2: "%s") { added } }'


def test_version_diff_fails_alike_for_missing_and_hidden_versions(
    gql: GraphQLClient, personas: Personas, campaign: Campaign
) -> None:
    builders.kingdom(Actor(personas.owner), campaign, name="K")
    hidden = list(Version.objects.order_by("pk").values_list("pk", flat=True))
    missing = max(hidden) + 1000
    assert Version.objects.filter(branch__isnull=True).exists()  # world and campaign versions

    for version_id in [*hidden, missing]:
        failure = error_of(gql(DIFF % (version_id, version_id), user=personas.outsider))
        assert failure["message"] == f"Version with ID {version_id} not found"
        assert failure["extensions"] == {
            "code": "NOT_FOUND",
            "id": str(version_id),
            "field": "versionId1",
        }
        anonymous = error_of(gql(DIFF % (version_id, version_id)))
        assert anonymous["extensions"]["code"] == "UNAUTHENTICATED"


@pytest.mark.parametrize("version_id", ["\u00b2", "1\n", "+1", "-1", " 1", "1" * 19, "0x1"])
def test_version_ids_are_parsed_strictly(
    gql: GraphQLClient, personas: Personas, version_id: str
) -> None:
    query = "query($a: ID!) { versionDiff(versionId1: $a, versionId2: $a) { added } }"
    failure = error_of(gql(query, {"a": version_id}, user=personas.owner))
    assert failure["extensions"] == {"code": "BAD_REQUEST", "field": "versionId1"}


AUDIT = '{ entityAuditHistory(entityType: "%s", entityId: "%s") { operation } }'


def test_entity_audit_history_fails_alike_for_missing_and_hidden_entities(
    gql: GraphQLClient, personas: Personas, campaign: Campaign, world: World
) -> None:
    kingdom = builders.kingdom(Actor(personas.owner), campaign, name="K")
    variable = rule_actions.create_state_variable(
        Actor(personas.owner),
        data={
            "scope": "world",
            "scope_id": str(world.pk),
            "key": "w",
            "type": "integer",
            "value": 1,
        },
    )
    unknown = "00000000-0000-4000-8000-000000000000"
    for kind, hidden in (("kingdom", kingdom.uid), ("state_variable", variable.uid)):
        shapes = []
        for entity_id in (hidden, unknown):
            failure = error_of(gql(AUDIT % (kind, entity_id), user=personas.outsider))
            extensions = failure["extensions"]
            assert extensions["id"] == str(entity_id)
            shapes.append((failure["message"].replace(str(entity_id), "?"), extensions.keys()))
            assert extensions["field"] == "entityId"
        assert shapes[0] == shapes[1], kind


def test_entity_audit_history_of_a_world_variable_is_read_through_its_world(
    gql: GraphQLClient, personas: Personas, campaign: Campaign, world: World
) -> None:
    variable = rule_actions.create_state_variable(
        Actor(personas.owner),
        data={
            "scope": "world",
            "scope_id": str(world.pk),
            "key": "w",
            "type": "integer",
            "value": 1,
        },
    )
    query = AUDIT % ("state_variable", variable.uid)

    owned = gql(query, user=personas.owner)["data"]["entityAuditHistory"]
    assert owned == [{"operation": "CREATE"}]
    assert gql(query, user=personas.viewer)["data"]["entityAuditHistory"] == owned
    assert error_of(gql(query, user=personas.outsider))["extensions"]["code"] == "NOT_FOUND"
