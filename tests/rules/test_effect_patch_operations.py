"""An effect's patch operation that is not a string is refused naming it, and patches nothing."""

from typing import Any

import pytest

from campaign.models import (
    Campaign,
)
from kernel.actor import Actor
from kernel.errors import ValidationError
from rules.models import Effect
from rules.patches import validate_patch, written_roots
from tests import builders
from tests.graphql_client import GraphQLClient, refusal


@pytest.mark.parametrize("op", [["add"], {"a": 1}, 3, None])
def test_an_operation_that_is_not_a_string_is_refused(
    gql: GraphQLClient, owner: Actor, campaign: Campaign, op: Any
) -> None:
    event = builders.event(owner, campaign, name="E", event_type="story")
    payload = [{"op": op, "path": "/description", "value": "x"}]

    body = gql(
        "mutation($i: CreateEffectInput!) { createEffect(input: $i) { id } }",
        {
            "i": {
                "entityType": "event",
                "entityId": str(event.uid),
                "name": "e",
                "effectType": "patch",
                "payload": payload,
            }
        },
        "owner",
    )

    assert refusal(body)["extensions"]["field"] == "payload.0.op"
    assert not Effect.objects.exists()
    with pytest.raises(ValidationError):
        validate_patch(payload, "event")
    assert written_roots(payload) == frozenset()
