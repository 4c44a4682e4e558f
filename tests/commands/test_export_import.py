"""manage.py export_campaign / import_campaign: everything of a campaign, and back, the same."""

import datetime
import json
from io import StringIO
from pathlib import Path
from typing import Any

import pytest
from django.core.management import CommandError, call_command

from campaign import portability
from campaign.actions import branches, entities
from campaign.models import AuditLog, Branch, Campaign, Event, Kingdom, Version
from kernel.actor import Actor
from rules.deferred_work import defer_triggered
from rules.models import DeferredWork

pytestmark = pytest.mark.django_db(transaction=True)

GM = "gm@portability.example"


def export(campaign_id: Any, path: Path) -> dict[str, Any]:
    call_command("export_campaign", str(campaign_id), output=str(path), stderr=StringIO())
    return json.loads(path.read_text())


def forget(campaign: Campaign) -> None:
    """Take the campaign's rows out of the database (world, locations and users stay), children
    before parents, as if it had never been imported here."""
    scope: dict[type, list[Any]] = {Campaign: [campaign.pk]}
    kinds = portability.scoped_models()
    found = {}
    for model, links in kinds:
        found[model] = list(portability.rows_of(model, links, scope))
        scope[model] = [obj.pk for obj in found[model]]
    for model, _ in reversed(kinds):
        manager = getattr(model, "all_objects", model._default_manager)
        if model is Branch:
            # Forks before the branches they forked from.
            for branch in reversed(portability.parents_first(found[Branch])):
                branch.delete()
        else:
            manager.filter(pk__in=scope[model]).delete()
    Campaign.all_objects.filter(pk=campaign.pk).delete()


@pytest.fixture
def demo() -> Campaign:
    """The demo campaign, with a forked branch (its own rows, a fork point in history) and a
    deleted kingdom (a tombstone, a soft-deleted row)."""
    call_command("seed_demo", email=GM, password="portability-pass-1", stdout=StringIO())
    campaign = Campaign.objects.get(owner__email=GM)
    gm = Actor(campaign.owner)
    main = Branch.objects.get(campaign=campaign, parent=None)
    branches.fork_branch(
        gm,
        source_branch_id=main.pk,
        data={"name": "What if", "world_time": main.current_world_time},
    )
    kingdom = Kingdom.objects.filter(branch=main).first()
    assert kingdom is not None
    entities.soft_delete(gm, instance=kingdom)
    return campaign


def test_an_import_of_an_export_exports_the_same(demo: Campaign, tmp_path: Path) -> None:
    first = export(demo.pk, tmp_path / "first.json")
    counts = (Version.objects.count(), AuditLog.objects.count(), Branch.objects.count())
    forget(demo)

    out = StringIO()
    call_command("import_campaign", str(tmp_path / "first.json"), stdout=out, stderr=StringIO())
    second = export(demo.pk, tmp_path / "second.json")

    assert "Imported campaign" in out.getvalue()
    assert second == first
    assert (Version.objects.count(), AuditLog.objects.count(), Branch.objects.count()) == counts


def test_the_export_holds_every_branch_history_and_rules(demo: Campaign, tmp_path: Path) -> None:
    document = export(demo.pk, tmp_path / "demo.json")

    kinds = {kind["kind"]: len(kind["rows"]) for kind in document["kinds"]}

    assert kinds["campaign.Branch"] == Branch.objects.filter(campaign=demo).count() == 2
    (branch_rows,) = [
        kind["rows"] for kind in document["kinds"] if kind["kind"] == "campaign.Branch"
    ]
    assert [row["fork_point"] is None for row in branch_rows] == [True, False]
    assert kinds["campaign.Version"] == Version.objects.filter(branch__campaign=demo).count()
    assert kinds["campaign.AuditLog"] == AuditLog.objects.filter(campaign=demo).count()
    assert kinds["rules.FieldCondition"] > 0
    assert kinds["rules.StateVariable"] > 0
    assert "password" not in json.dumps(document["users"])


def test_an_export_naming_deferred_work_as_the_schedulers_imports(
    demo: Campaign, tmp_path: Path
) -> None:
    # given an export from when deferred work was the scheduler's, an event left to the clock in it
    source, target = Event.objects.filter(branch__campaign=demo, branch__parent=None)[:2]
    due_at = datetime.datetime(4710, 1, 1, tzinfo=datetime.UTC)
    defer_triggered(source=source, target=target, due_at=due_at)
    document = export(demo.pk, tmp_path / "now.json")
    for kind in document["kinds"]:
        if kind["kind"] == "rules.DeferredWork":
            kind["kind"] = "scheduler.DeferredWork"
    (tmp_path / "before.json").write_text(json.dumps(document))
    forget(demo)

    # when it is imported
    call_command(
        "import_campaign", str(tmp_path / "before.json"), stdout=StringIO(), stderr=StringIO()
    )

    # then the event is left to the clock again
    rows = DeferredWork.objects.filter(branch__campaign=demo)
    assert list(rows.values_list("entity_uid", "due_at")) == [(target.uid, due_at)]


def test_an_existing_campaign_is_not_imported_over(demo: Campaign, tmp_path: Path) -> None:
    export(demo.pk, tmp_path / "demo.json")

    with pytest.raises(CommandError, match="already exists"):
        call_command("import_campaign", str(tmp_path / "demo.json"), stderr=StringIO())


def test_an_unknown_campaign_is_not_found(tmp_path: Path) -> None:
    with pytest.raises(CommandError, match="No campaign"):
        call_command(
            "export_campaign",
            "00000000-0000-0000-0000-000000000000",
            output=str(tmp_path / "x.json"),
            stderr=StringIO(),
        )
