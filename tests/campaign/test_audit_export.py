import csv
import io
import json

import pytest
from django.test import Client

from campaign.actions import kingdoms
from campaign.actor import Actor
from campaign.auth.tokens import issue_access_token
from campaign.models import AuditLog, Campaign, User
from tests.campaign import factories
from tests.conftest import Personas


def export(client: Client, user: User | None, **params: str) -> object:
    headers = {"Authorization": f"Bearer {issue_access_token(user)}"} if user else {}
    return client.get("/audit/export", params, headers=headers)


def body(response: object) -> str:
    return b"".join(response.streaming_content).decode()  # type: ignore[attr-defined]


def test_campaign_csv_has_the_header_bom_and_every_row(
    client: Client, personas: Personas, owner: Actor, campaign: Campaign
) -> None:
    factories.kingdom(owner, campaign, name="Brevoy")

    response = export(client, personas.owner, campaignId=str(campaign.pk))

    assert response.status_code == 200  # type: ignore[attr-defined]
    text = body(response)
    assert text.startswith("\ufeffTimestamp,User ID,Entity Type,Entity ID,Operation,Reason,")
    table = list(csv.reader(io.StringIO(text.lstrip("\ufeff"))))
    assert len(table) - 1 == AuditLog.objects.filter(campaign=campaign).count()
    assert any(row[2] == "kingdom" and row[4] == "CREATE" for row in table[1:])


def test_csv_quotes_and_neutralises_formulas(
    client: Client, personas: Personas, campaign: Campaign
) -> None:
    sneaky = Actor(personas.owner, reason='=HYPERLINK("http://evil"),"x"')
    kingdom = factories.kingdom(sneaky, campaign, name="=cmd|' /C calc'!A0")

    text = body(export(client, personas.owner, campaignId=str(campaign.pk)))

    row = next(
        r for r in csv.reader(io.StringIO(text.lstrip("\ufeff"))) if r[3] == str(kingdom.uid)
    )
    assert row[5] == "'" + '=HYPERLINK("http://evil"),"x"'
    assert '"name":"=cmd' in row[7]


def test_json_export_filters_by_operation_and_type(
    client: Client, personas: Personas, owner: Actor, campaign: Campaign
) -> None:
    kingdom = factories.kingdom(owner, campaign)
    kingdoms.update_kingdom(owner, kingdom.uid, {"name": "Renamed"})

    response = export(
        client,
        personas.owner,
        campaignId=str(campaign.pk),
        format="json",
        operations="UPDATE",
        entityTypes="Kingdom",
    )

    entries = json.loads(body(response))
    assert response["Content-Disposition"].endswith('.json"')  # type: ignore[index]
    assert [e["operation"] for e in entries] == ["UPDATE"]
    assert entries[0]["newState"]["name"] == "Renamed"


def test_export_pages_through_more_rows_than_one_page(
    client: Client, personas: Personas, campaign: Campaign
) -> None:
    AuditLog.objects.bulk_create(
        AuditLog(
            entity_type="kingdom",
            entity_id=f"k{n}",
            campaign=campaign,
            operation="UPDATE",
            actor=personas.owner,
        )
        for n in range(1234)
    )

    entries = json.loads(body(export(client, personas.owner, format="json")))

    ids = [e["entityId"] for e in entries]
    assert len(ids) == len(set(ids))
    assert {f"k{n}" for n in range(1234)} <= set(ids)


@pytest.mark.parametrize(
    ("persona", "status"),
    [("gm", 200), ("player", 403), ("viewer", 403), ("outsider", 404)],
)
def test_only_owner_and_gm_export_a_campaign(
    client: Client, personas: Personas, campaign: Campaign, persona: str, status: int
) -> None:
    response = export(client, getattr(personas, persona), campaignId=str(campaign.pk))

    assert response.status_code == status  # type: ignore[attr-defined]


def test_anonymous_and_bad_format_are_refused(
    client: Client, personas: Personas, campaign: Campaign
) -> None:
    assert export(client, None).status_code == 401  # type: ignore[attr-defined]
    bad = export(client, personas.owner, format="xlsx")
    assert bad.status_code == 400  # type: ignore[attr-defined]
    assert bad.json()["error"]["field"] == "format"  # type: ignore[attr-defined]
