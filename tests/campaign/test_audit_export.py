import csv
import io
import json
import re
from typing import Any

import pytest
from django.db import connections
from django.test import Client

from campaign import audit_export
from campaign.actions import kingdoms, settlements
from campaign.auth.tokens import issue_access_token
from campaign.models import AuditLog, Campaign, User
from kernel.actor import Actor
from tests import builders
from tests.asgi import asgi_request
from tests.conftest import Personas

# Seconds to wait for each message of a response: only a hang takes this long.
HANG = 10


def export(client: Client, user: User | None, **params: str) -> object:
    headers = {"Authorization": f"Bearer {issue_access_token(user)}"} if user else {}
    return client.get("/audit/export", params, headers=headers)


def body(response: object) -> str:
    return b"".join(response.streaming_content).decode()  # type: ignore[attr-defined]


def test_campaign_csv_has_the_header_bom_and_every_row(
    client: Client, personas: Personas, owner: Actor, campaign: Campaign
) -> None:
    builders.kingdom(owner, campaign, name="Brevoy")

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
    kingdom = builders.kingdom(sneaky, campaign, name="=cmd|' /C calc'!A0")

    text = body(export(client, personas.owner, campaignId=str(campaign.pk)))

    row = next(
        r for r in csv.reader(io.StringIO(text.lstrip("\ufeff"))) if r[3] == str(kingdom.uid)
    )
    assert row[5] == "'" + '=HYPERLINK("http://evil"),"x"'
    assert '"name":"=cmd' in row[7]


def test_json_export_filters_by_operation_and_type(
    client: Client, personas: Personas, owner: Actor, campaign: Campaign
) -> None:
    kingdom = builders.kingdom(owner, campaign)
    kingdoms.update_kingdom(owner, kingdom_id=kingdom.uid, data={"name": "Renamed"})

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


def test_exported_states_and_diffs_read_as_the_api_returns_them(
    client: Client, personas: Personas, owner: Actor, campaign: Campaign
) -> None:
    # Given a settlement renamed and its variables changed
    restov = builders.settlement(owner, builders.kingdom(owner, campaign), variables={"a_b": 1})
    settlements.update_settlement(
        owner, settlement_id=restov.uid, data={"name": "Restov", "variables": {"a_b": 2}}
    )
    filters = {"campaignId": str(campaign.pk), "operations": "UPDATE"}

    # When the owner exports the update as JSON and as CSV
    entry = json.loads(body(export(client, personas.owner, format="json", **filters)))[0]
    row = list(csv.reader(io.StringIO(body(export(client, personas.owner, **filters)))))[1]

    # Then the states are keyed as the API's (…Id, camelCase) and the variables keep their keys
    assert entry["previousState"]["kingdomId"] == str(restov.kingdom.uid)
    assert {"createdAt", "variableSchemas", "locationId"} <= set(entry["newState"])
    assert entry["newState"]["variables"] == {"a_b": 2}
    # And the diff is the original's shape, the RFC 6902 patch beside it
    assert entry["diff"]["modified"]["variables"] == {"old": {"a_b": 1}, "new": {"a_b": 2}}
    assert {"op": "replace", "path": "/variables/a_b", "value": 2} in entry["patch"]
    # And the CSV's Diff column (the original's header) holds the same diff
    assert json.loads(row[audit_export.COLUMNS.index("Diff")]) == entry["diff"]
    assert json.loads(row[audit_export.COLUMNS.index("New State")]) == entry["newState"]


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


# --- over the ASGI app: bad filters and failures never leave the response hanging --------------


@pytest.fixture
def owner_token(transactional_db: None, monkeypatch: pytest.MonkeyPatch, personas: Personas) -> str:
    """The owner's access token for requests over the ASGI app. Those run in threads of their
    own, on connections of their own: so the test data is committed, and each request closes
    its connection as it ends (as deployed: DB_CONN_MAX_AGE=0)."""
    monkeypatch.setitem(connections.settings["default"], "CONN_MAX_AGE", 0)
    return issue_access_token(personas.owner)


async def asgi_export(token: str, query: str) -> tuple[int, dict[str, str], bytes]:
    """GET /audit/export?<query> through config.asgi.application; a response that never
    completes fails the test by the communicator's timeout."""
    response = await asgi_request(
        "GET", "/audit/export", query_string=query, token=token, timeout=HANG
    )
    headers = {name.decode().lower(): value.decode() for name, value in response.headers.items()}
    return response.status, headers, response.body


@pytest.mark.parametrize(
    ("query", "field"),
    [
        ("format=json&entityTypes=%00", "entityTypes"),
        ("operations=UPDATE,a%00b", "operations"),
        ("format=csv&startDate=2024-01-01T00:00:00Z%00", "startDate"),
        ("format=%00", "format"),
    ],
)
async def test_a_bad_filter_is_a_json_400_before_streaming(
    owner_token: str, campaign: Campaign, query: str, field: str
) -> None:
    # Given a filter holding NUL, which the database cannot compare
    # When the owner exports with it over the ASGI app
    status, headers, body = await asgi_export(owner_token, f"campaignId={campaign.pk}&{query}")

    # Then the answer is a whole JSON error naming the filter, not a stream that never ends
    assert status == 400
    assert headers["content-type"] == "application/json"
    error = json.loads(body)["error"]
    assert (error["code"], error["field"]) == ("BAD_REQUEST", field)


ROWS = 1234


@pytest.fixture
def many_rows(campaign: Campaign, personas: Personas) -> None:
    """More rows than a page of the export (and than a batch of the stream)."""
    AuditLog.objects.bulk_create(
        AuditLog(
            entity_type="kingdom",
            entity_id=f"k{n:04}",
            campaign=campaign,
            operation="UPDATE",
            actor=personas.owner,
        )
        for n in range(ROWS)
    )


@pytest.mark.usefixtures("many_rows")
async def test_a_long_export_streams_to_its_end_over_asgi(
    owner_token: str, campaign: Campaign
) -> None:
    # Given more rows than a page (and than a batch of the stream)
    # When the owner exports them as JSON over the ASGI app
    status, headers, body = await asgi_export(owner_token, f"campaignId={campaign.pk}&format=json")

    # Then the whole array arrives, every row once
    assert status == 200
    assert headers["content-type"] == "application/json; charset=utf-8"
    ids = [entry["entityId"] for entry in json.loads(body)]
    assert sorted(i for i in ids if i.startswith("k")) == [f"k{n:04}" for n in range(ROWS)]


@pytest.fixture
def unwritable_row(monkeypatch: pytest.MonkeyPatch) -> int:
    """The row the export fails on (rows go newest first: k1233, k1232, …): one of the second
    page, so the failure comes once streaming has started."""
    poisoned = ROWS - audit_export.PAGE - 100
    write = audit_export.record

    def record(entry: AuditLog) -> dict[str, Any]:
        if entry.entity_id == f"k{poisoned:04}":
            raise RuntimeError("the export cannot write this row")
        return write(entry)

    monkeypatch.setattr(audit_export, "record", record)
    return poisoned


@pytest.mark.usefixtures("many_rows")
@pytest.mark.parametrize("fmt", ["json", "csv"])
async def test_a_failure_mid_stream_ends_the_export_with_an_error_marker(
    owner_token: str, campaign: Campaign, unwritable_row: int, fmt: str
) -> None:
    # Given an export that fails on a row of its second page
    # When the owner exports over the ASGI app
    status, _, body = await asgi_export(owner_token, f"campaignId={campaign.pk}&format={fmt}")

    # Then the response still ends, with the rows before the failure and then the marker
    text = body.decode()
    assert status == 200
    assert text.endswith(audit_export.JSON_FAILED if fmt == "json" else audit_export.CSV_FAILED)
    written = [int(n) for n in re.findall(r"\bk(\d{4})\b", text)]
    assert written == list(range(ROWS - 1, unwritable_row, -1))
    if fmt == "json":
        with pytest.raises(json.JSONDecodeError):
            json.loads(text)  # never mistaken for a whole export
