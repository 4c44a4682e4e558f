"""Date-times UTC cannot hold are refused naming the field, before anything is written or
streamed; early years are written with four digits."""

import datetime
from typing import Any

import pytest
from django.test import Client

from api.graphql.scalars import parse_datetime
from campaign.actions import fields
from campaign.models import (
    Campaign,
    World,
)
from kernel.errors import ValidationError
from kernel.snapshots import iso
from tests.conftest import Personas
from tests.graphql_client import GraphQLClient, bearer, refusal

OUT_OF_RANGE = ["9999-12-31T23:59:59-05:00", "0001-01-01T00:00:00+05:00"]


@pytest.mark.parametrize("moment", OUT_OF_RANGE)
def test_date_times_beyond_utc_are_refused_naming_the_field(
    gql: GraphQLClient, campaign: Campaign, world: World, writes: Any, moment: str
) -> None:
    before = writes()
    event = (
        'mutation($c: String!, $t: String) { createEvent(input: {campaignId: $c, name: "E",'
        ' eventType: "story", scheduledAt: $t}) { id } }'
    )
    new_campaign = "mutation($i: CreateCampaignInput!) { createCampaign(input: $i) { id } }"
    api_key = (
        "mutation($expiresAt: DateTime) {"
        ' createApiKey(name: "k", scopes: ["read"], expiresAt: $expiresAt) { key } }'
    )

    # scheduledAt is a String in the contract (the domain refuses it); the others are DateTime
    # variables (their coercion refuses them).
    for query, variables, field, code in [
        (event, {"c": str(campaign.pk), "t": moment}, "scheduledAt", "BAD_REQUEST"),
        (
            new_campaign,
            {"i": {"worldId": str(world.pk), "name": "C", "currentWorldTime": moment}},
            "currentWorldTime",
            "BAD_USER_INPUT",
        ),
        (api_key, {"expiresAt": moment}, "expiresAt", "BAD_USER_INPUT"),
    ]:
        body = gql(query, variables, "owner")

        error = refusal(body, code)
        assert error["extensions"]["field"] == field
        assert "9999" in error["message"]
    assert Campaign.objects.count() == 1
    assert writes() == before


@pytest.mark.parametrize("moment", OUT_OF_RANGE)
def test_date_time_cleaners_refuse_instants_utc_cannot_hold(moment: str) -> None:
    with pytest.raises(ValidationError) as error:
        fields.moment(moment, "expiresAt")
    assert error.value.field == "expiresAt"
    with pytest.raises(Exception, match="out of range"):
        parse_datetime(moment)


def test_audit_export_refuses_an_out_of_range_start_before_streaming(
    client: Client, personas: Personas, campaign: Campaign
) -> None:
    response = client.get(
        "/audit/export",
        {"startDate": OUT_OF_RANGE[0], "format": "json"},
        headers=bearer(personas.owner),
    )

    assert response.status_code == 400
    assert not getattr(response, "streaming", False)


def test_early_years_are_written_with_four_digits(gql: GraphQLClient, campaign: Campaign) -> None:
    assert iso(datetime.datetime(500, 6, 1, tzinfo=datetime.UTC)) == "0500-06-01T00:00:00.000Z"
    assert iso(datetime.datetime(9, 1, 2, 3, 4, 5, 6000, tzinfo=datetime.UTC)) == (
        "0009-01-02T03:04:05.006Z"
    )

    body = gql(
        'mutation($c: String!) { createEvent(input: {campaignId: $c, name: "E",'
        ' eventType: "story", scheduledAt: "0500-06-01T00:00:00Z"}) { scheduledAt } }',
        {"c": str(campaign.pk)},
        "owner",
    )

    assert body["data"]["createEvent"]["scheduledAt"] == "0500-06-01T00:00:00.000Z"
