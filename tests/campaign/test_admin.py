"""The admin site: every page renders, and every write goes through the actions."""

import io
import json
from typing import Any

import pytest
from django import forms
from django.contrib import admin
from django.core.management import call_command
from django.db import models
from django.test import Client, RequestFactory
from django.urls import reverse

from campaign.actions import kingdoms
from campaign.admin.base import EntityAdmin, ReadOnlyAdmin
from campaign.models import (
    ApiKey,
    AuditLog,
    Branch,
    Campaign,
    Kingdom,
    Link,
    RefreshToken,
    Settlement,
    Structure,
    User,
    Version,
)
from kernel.actor import Actor
from rules.models import FieldCondition

pytestmark = pytest.mark.django_db


@pytest.fixture
def demo() -> Campaign:
    call_command("seed_demo", "--password", "demo-password", stdout=io.StringIO())
    return Campaign.objects.get(name="Kingmaker: The Stolen Lands")


@pytest.fixture
def superuser() -> User:
    return User.objects.create_superuser("root@example.com", "root-password")


@pytest.fixture
def staff_client(client: Client, superuser: User, demo: Campaign) -> Client:
    # Credentials exist only when someone signed in; give their pages something to show.
    ApiKey.objects.create(user=superuser, name="ci", prefix="camp_sk_abc", key_hash="0" * 64)
    RefreshToken.objects.create(
        user=superuser, token_hash="1" * 64, expires_at="2999-01-01T00:00:00Z"
    )
    client.force_login(superuser)
    return client


def url(model: type[models.Model], view: str, *args: Any) -> str:
    opts = model._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{view}", args=args)


def form_data(response: Any) -> dict[str, Any]:
    """The POST a browser would send for the form as rendered."""
    form = response.context["adminform"].form
    data: dict[str, Any] = {}
    for name, field in form.fields.items():
        value = form[name].value()
        if isinstance(field.widget, forms.MultiWidget):
            parts = value if isinstance(value, list) else field.widget.decompress(value)
            for index, part in enumerate(parts or []):
                data[f"{name}_{index}"] = "" if part is None else str(part)
        elif isinstance(field, forms.BooleanField):
            if value:
                data[name] = "on"
        else:
            data[name] = "" if value is None else value
        if field.show_hidden_initial:  # fields with a callable default, e.g. JSON ones
            data[form[name].html_initial_name] = field.prepare_value(form[name].initial)
    return data


def form_errors(response: Any) -> dict[str, list[str]]:
    form = response.context["adminform"].form
    return {name: list(errors) for name, errors in form.errors.items()}


def test_every_changelist_and_add_page_renders(staff_client: Client, superuser: User) -> None:
    request = RequestFactory().get("/admin/")
    request.user = superuser
    for model, model_admin in admin.site._registry.items():
        # when
        changelist = staff_client.get(url(model, "changelist"))
        searched = staff_client.get(url(model, "changelist"), {"q": "Restov"})
        add = staff_client.get(url(model, "add"))

        # then
        assert changelist.status_code == 200, model
        assert searched.status_code == 200, model
        if isinstance(model_admin, ReadOnlyAdmin):
            assert add.status_code == 403, model
        else:
            assert add.status_code == (200 if model_admin.has_add_permission(request) else 403)


def test_every_change_page_of_a_seeded_object_renders_with_history(staff_client: Client) -> None:
    for model, model_admin in admin.site._registry.items():
        obj = model._default_manager.first()
        if obj is None:
            continue
        # when
        response = staff_client.get(url(model, "change", obj.pk))

        # then
        assert response.status_code == 200, model
        if isinstance(model_admin, EntityAdmin):
            content = response.content.decode()
            assert "Audit trail (latest entries)" in content, model
            assert url(AuditLog, "change", 999_999).rsplit("999999", 1)[0] in content, model
            if model_admin.versioned:
                assert "History (latest versions)" in content, model
                assert url(Version, "change", 999_999).rsplit("999999", 1)[0] in content, model


def test_read_only_records_cannot_be_changed_or_deleted(staff_client: Client) -> None:
    # given a version written by the seeding
    version = Version.objects.first()
    assert version is not None

    # when
    changed = staff_client.post(url(Version, "change", version.pk), {"comment": "rewritten"})
    deleted = staff_client.post(url(Version, "delete", version.pk), {"post": "yes"})

    # then
    assert changed.status_code == 403
    assert deleted.status_code == 403
    assert Version.objects.get(pk=version.pk).comment == version.comment


def test_creating_a_kingdom_in_the_admin_is_versioned_and_audited(
    staff_client: Client, superuser: User, demo: Campaign
) -> None:
    # given the add form
    form = staff_client.get(url(Kingdom, "add"))
    data = {
        **form_data(form),
        "branch": str(demo.main_branch.pk),
        "name": "Varnhold",
        "level": "2",
        "variable_schemas": json.dumps([{"name": "treasury", "type": "number"}]),
        "variables": json.dumps({"treasury": 300}),
    }

    # when it is posted
    response = staff_client.post(url(Kingdom, "add"), data)

    # then the kingdom exists, with a version and an audit row by the admin user
    assert response.status_code == 302, form_errors(response)
    kingdom = Kingdom.objects.get(name="Varnhold")
    assert kingdom.branch == demo.main_branch
    assert kingdom.variables == {"treasury": 300}
    version = Version.objects.get(entity_type="kingdom", entity_uid=kingdom.uid)
    assert version.author == superuser
    assert version.operation == "CREATE"
    audit = AuditLog.objects.get(entity_type="kingdom", entity_id=str(kingdom.uid))
    assert audit.actor == superuser
    assert audit.reason == "admin"
    assert audit.metadata["source"] == "admin"


def test_editing_in_the_admin_goes_through_the_update_action(
    staff_client: Client, superuser: User
) -> None:
    # given a kingdom's change form
    kingdom = Kingdom.objects.get(name="Pitax")
    form = staff_client.get(url(Kingdom, "change", kingdom.pk))

    # when a new level is posted
    response = staff_client.post(
        url(Kingdom, "change", kingdom.pk), {**form_data(form), "level": "5"}
    )

    # then it is saved with a new version by the admin user
    assert response.status_code == 302, form_errors(response)
    kingdom.refresh_from_db()
    assert (kingdom.level, kingdom.version) == (5, 2)
    latest = Version.objects.filter(entity_uid=kingdom.uid).latest("sequence")
    assert (latest.operation, latest.author) == ("UPDATE", superuser)
    audit = AuditLog.objects.filter(entity_id=str(kingdom.uid)).latest("id")
    assert audit.changes["level"] == 5
    assert "name" not in audit.changes  # only the changed fields were sent


def test_a_stale_edit_is_a_conflict_and_changes_nothing(
    staff_client: Client, demo: Campaign
) -> None:
    # given a change form rendered at version 1
    kingdom = Kingdom.objects.get(name="Brevoy")
    form = staff_client.get(url(Kingdom, "change", kingdom.pk))
    assert form_data(form)["expected_version"] == 1
    # and a concurrent edit by the owner
    kingdoms.update_kingdom(
        Actor(demo.owner), kingdom_id=kingdom.uid, data={"name": "Brevoy United"}
    )
    versions = Version.objects.count()

    # when the stale form is posted
    response = staff_client.post(
        url(Kingdom, "change", kingdom.pk), {**form_data(form), "name": "Brevoy Reborn"}
    )

    # then the form says so and nothing changed
    assert response.status_code == 200
    assert "was changed by someone else" in response.content.decode()
    assert Kingdom.objects.get(pk=kingdom.pk).name == "Brevoy United"
    assert Version.objects.count() == versions


def test_an_invalid_variable_is_a_form_error_and_writes_nothing(staff_client: Client) -> None:
    # given a settlement whose schema declares population as a number
    settlement = Settlement.objects.get(name="Restov")
    form = staff_client.get(url(Settlement, "change", settlement.pk))
    counts = (Version.objects.count(), AuditLog.objects.count())

    # when a text population is posted
    variables = {**settlement.variables, "population": "lots"}
    response = staff_client.post(
        url(Settlement, "change", settlement.pk),
        {**form_data(form), "variables": json.dumps(variables)},
    )

    # then the variables field shows the error, and nothing was written
    assert response.status_code == 200
    errors = form_errors(response)
    assert "population must be a number" in " ".join(errors["variables"])
    assert (Version.objects.count(), AuditLog.objects.count()) == counts
    assert Settlement.objects.get(pk=settlement.pk).variables == settlement.variables


def test_fields_fixed_at_creation_are_read_only_on_the_change_form(staff_client: Client) -> None:
    # given
    settlement = Settlement.objects.get(name="Restov")
    link = Link.objects.first()
    assert link is not None

    # when
    settlement_form = staff_client.get(url(Settlement, "change", settlement.pk))
    link_form = staff_client.get(url(Link, "change", link.pk))

    # then
    assert not {"kingdom", "location", "branch"} & set(form_data(settlement_form))
    assert not {"source_event", "target_encounter", "branch"} & set(form_data(link_form))


def test_deleting_a_kingdom_in_the_admin_soft_deletes_with_cascade(
    staff_client: Client, superuser: User
) -> None:
    # given a kingdom with settlements and structures
    kingdom = Kingdom.objects.get(name="Brevoy")
    settlement_ids = list(kingdom.settlements.values_list("pk", flat=True))
    structure_ids = list(
        Structure.objects.filter(settlement__in=settlement_ids).values_list("pk", flat=True)
    )
    confirm = staff_client.get(url(Kingdom, "delete", kingdom.pk))
    assert confirm.status_code == 200
    assert "Restov" in confirm.content.decode()

    # when the deletion is confirmed
    response = staff_client.post(url(Kingdom, "delete", kingdom.pk), {"post": "yes"})

    # then the rows remain, soft-deleted, each with a tombstone and an audit row
    assert response.status_code == 302
    assert Kingdom.all_objects.get(pk=kingdom.pk).deleted_at is not None
    assert not Settlement.objects.filter(pk__in=settlement_ids).exists()
    assert Settlement.all_objects.filter(pk__in=settlement_ids).count() == len(settlement_ids)
    assert not Structure.objects.filter(pk__in=structure_ids).exists()
    assert Structure.all_objects.filter(pk__in=structure_ids).count() == len(structure_ids)
    deletions = AuditLog.objects.filter(
        operation="DELETE", actor=superuser, entity_type__in=["kingdom", "settlement", "structure"]
    )
    assert deletions.count() == 1 + len(settlement_ids) + len(structure_ids)
    # the rules about Brevoy's settlements (Restov's own title) went with them
    restov = Settlement.all_objects.get(name="Restov")
    assert not FieldCondition.objects.filter(target_uid=restov.uid).exists()
    tombstone = Version.objects.filter(entity_uid=kingdom.uid).latest("sequence")
    assert (tombstone.operation, tombstone.snapshot) == ("DELETE", None)


def test_a_refused_delete_is_reported_and_rolled_back(staff_client: Client, demo: Campaign) -> None:
    # given a world that live campaigns use
    world = demo.world

    # when its deletion is confirmed
    response = staff_client.post(url(type(world), "delete", world.pk), {"post": "yes"}, follow=True)

    # then it is refused with the reason and nothing was deleted
    assert "was not deleted" in response.content.decode()
    assert type(world).objects.filter(pk=world.pk).exists()
    assert not AuditLog.objects.filter(operation="DELETE").exists()


def test_the_main_branch_cannot_be_deleted(staff_client: Client, demo: Campaign) -> None:
    response = staff_client.get(url(Branch, "delete", demo.main_branch.pk))

    assert response.status_code == 403


def test_archive_and_restore_actions_call_the_life_cycle_actions(
    staff_client: Client, superuser: User
) -> None:
    # given
    kingdom = Kingdom.objects.get(name="Mivon")
    changelist = url(Kingdom, "changelist")

    # when archived, then restored
    staff_client.post(changelist, {"action": "archive_selected", "_selected_action": [kingdom.pk]})
    archived = Kingdom.objects.get(pk=kingdom.pk)
    staff_client.post(changelist, {"action": "restore_selected", "_selected_action": [kingdom.pk]})
    restored = Kingdom.objects.get(pk=kingdom.pk)

    # then
    assert archived.archived_at is not None
    assert restored.archived_at is None
    operations = AuditLog.objects.filter(entity_id=str(kingdom.uid), actor=superuser)
    assert list(operations.order_by("id").values_list("operation", flat=True)) == [
        "ARCHIVE",
        "RESTORE",
    ]


def test_a_link_needs_exactly_one_source(staff_client: Client, demo: Campaign) -> None:
    # given an add form with no source
    form = staff_client.get(url(Link, "add"))
    event = demo.main_branch and Link.objects.first().source_event  # type: ignore[union-attr]
    data = {
        **form_data(form),
        "branch": str(demo.main_branch.pk),
        "link_type": "related",
        "target_event": str(event.pk),  # type: ignore[union-attr]
    }
    links_before = Link.objects.count()

    # when
    response = staff_client.post(url(Link, "add"), data)

    # then
    assert response.status_code == 200
    assert "Choose exactly one source" in " ".join(form_errors(response)["source_event"])
    assert Link.objects.count() == links_before


def test_api_keys_can_be_revoked(staff_client: Client) -> None:
    # given
    key = ApiKey.objects.get(name="ci")

    # when
    staff_client.post(
        url(ApiKey, "changelist"), {"action": "revoke_selected", "_selected_action": [key.pk]}
    )

    # then
    key.refresh_from_db()
    assert key.revoked_at is not None
