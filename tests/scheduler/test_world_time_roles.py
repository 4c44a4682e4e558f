"""Who may call each world-time root field: members read, GMs and the owner write, the owner
deletes; a non-member is told nothing exists, an anonymous caller is refused."""

from collections.abc import Callable
from typing import Any

import pytest
from graphene.utils.str_converters import to_camel_case

from api.graphql.scheduler.schema import WorldTimeMutations, WorldTimeQueries
from campaign.models import Campaign
from kernel.snapshots import iso
from rules import actions as rules
from scheduler.recurring import attach_recurring_effect
from tests import builders
from tests.conftest import Personas
from tests.graphql.operations import operation
from tests.graphql_client import GraphQLClient
from tests.scheduler.conftest import DAY, START

pytestmark = pytest.mark.django_db

CALLERS = (None, "outsider", "viewer", "player", "gm", "owner")
READ = {None: "UNAUTHENTICATED", "outsider": "NOT_FOUND", "viewer": "OK", "player": "OK",
        "gm": "OK", "owner": "OK"}  # fmt: skip
WRITE = {**READ, "viewer": "FORBIDDEN", "player": "FORBIDDEN"}
MANAGE = {**WRITE, "gm": "FORBIDDEN"}


def recurring(personas: Personas, campaign: Campaign) -> str:
    gm = personas.actor("gm")
    town = builders.settlement(gm, builders.kingdom(gm, campaign))
    effect = attach_recurring_effect(
        gm,
        target_type="settlement",
        target_id=town.uid,
        data={"name": "Upkeep", "payload": [{"op": "replace", "path": "/level", "value": 2}],
              "period_days": 7},
    )  # fmt: skip
    return str(effect.uid)


def effect(personas: Personas, campaign: Campaign) -> str:
    gm = personas.actor("gm")
    source = builders.event(gm, campaign)
    return str(
        rules.create_effect(
            gm,
            data={"entity_type": "event", "entity_id": str(source.uid), "target_type": "self",
                  "name": "Omen", "effect_type": "patch",
                  "payload": [{"op": "replace", "path": "/description", "value": "Fulfilled"}]},
        ).uid
    )  # fmt: skip


def event(personas: Personas, campaign: Campaign) -> str:
    return str(builders.event(personas.actor("gm"), campaign, scheduled_at=iso(START)).uid)


Args = Callable[[Personas, Campaign], dict[str, Any]]
MATRIX: dict[str, tuple[dict[str | None, str], Args]] = {
    "getOverdueEvents": (READ, lambda p, c: {"campaignId": str(c.pk)}),
    "formatWorldTime": (READ, lambda p, c: {"campaignId": str(c.pk)}),
    "parseWorldDate": (READ, lambda p, c: {"campaignId": str(c.pk), "text": "1 Neth 4708"}),
    "recurringEffects": (READ, lambda p, c: {"campaignId": str(c.pk)}),
    "deferredWork": (READ, lambda p, c: {"campaignId": str(c.pk)}),
    "advanceWorldTime": (
        WRITE, lambda p, c: {"input": {"campaignId": str(c.pk), "to": iso(START + DAY)}}
    ),
    "expireEvent": (WRITE, lambda p, c: {"eventId": event(p, c)}),
    "attachRecurringEffect": (
        WRITE,
        lambda p, c: {
            "input": {
                "targetType": "kingdom",
                "targetId": str(builders.kingdom(p.actor("gm"), c).uid),
                "name": "Taxes",
                "payload": [{"op": "replace", "path": "/level", "value": 3}],
                "periodDays": 30,
            }
        },
    ),
    "deleteRecurringEffect": (MANAGE, lambda p, c: {"id": recurring(p, c)}),
    "deferEffect": (
        WRITE, lambda p, c: {"input": {"effectId": effect(p, c), "at": iso(START + DAY)}}
    ),
}  # fmt: skip


def test_every_world_time_field_has_an_entry() -> None:
    fields = {
        name
        for part in (WorldTimeQueries, WorldTimeMutations)
        for name in part._meta.fields  # type: ignore[attr-defined]
    }
    assert set(MATRIX) == {to_camel_case(name) for name in fields}


@pytest.mark.parametrize("caller", CALLERS, ids=lambda c: c or "anonymous")
@pytest.mark.parametrize("field", sorted(MATRIX))
def test_world_time_role_matrix(
    gql: GraphQLClient, personas: Personas, golarion: Campaign, field: str, caller: str | None
) -> None:
    # given a call of the field with real ids
    expected, args = MATRIX[field]
    variables = args(personas, golarion)

    # when the caller sends it
    body = gql(operation(field, variables), variables, persona=caller)

    # then the outcome is the one the caller's role allows
    errors = body.get("errors") or []
    assert (errors[0]["extensions"]["code"] if errors else "OK") == expected[caller], body
