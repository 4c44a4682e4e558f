"""The rules admin: field conditions, state variables, effects and availability conditions are
written through the rule actions; effect executions are read-only."""

import io
import json

import pytest
from django.core.management import call_command
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from campaign.models import AuditLog, Campaign, Event, Settlement, User, Version
from kernel.actor import Actor
from rules import actions as rules
from rules.models import Condition, Effect, EffectExecution, FieldCondition, StateVariable
from tests.campaign.test_admin import form_data, form_errors, url

pytestmark = pytest.mark.django_db

RULE_MODELS = (FieldCondition, StateVariable, Condition, Effect)


@pytest.fixture
def demo() -> Campaign:
    call_command("seed_demo", "--password", "demo-password", stdout=io.StringIO())
    return Campaign.objects.get(name="Kingmaker: The Stolen Lands")


@pytest.fixture
def superuser() -> User:
    return User.objects.create_superuser("root@example.com", "root-password")


@pytest.fixture
def staff_client(client: Client, superuser: User, demo: Campaign) -> Client:
    client.force_login(superuser)
    return client


def counts() -> tuple[int, int]:
    return Version.objects.count(), AuditLog.objects.count()


@pytest.fixture
def condition(demo: Campaign) -> Condition:
    event = Event.objects.get(name="Harvest festival in New Stetven")
    return rules.create_condition(
        Actor(demo.owner),
        data={
            "entity_type": "event",
            "entity_id": str(event.uid),
            "name": "Harvest was good",
            "expression": {">=": [{"var": "var.base_treasury"}, 1000]},
        },
    )


def test_changelist_and_add_pages_render(staff_client: Client) -> None:
    for model in RULE_MODELS:
        # when
        changelist = staff_client.get(url(model, "changelist"))
        searched = staff_client.get(url(model, "changelist"), {"q": "tax"})
        add = staff_client.get(url(model, "add"))

        # then
        assert changelist.status_code == 200, model
        assert searched.status_code == 200, model
        assert add.status_code == 200, model


def test_lists_name_what_the_rules_point_at(staff_client: Client) -> None:
    conditions = staff_client.get(url(FieldCondition, "changelist")).content.decode()
    effects = staff_client.get(url(Effect, "changelist")).content.decode()
    variables = staff_client.get(url(StateVariable, "changelist")).content.decode()

    assert "settlement Restov" in conditions
    assert "every settlement" in conditions
    assert "event Harvest festival in New Stetven" in effects
    assert "settlement New Stetven" in effects
    assert "campaign Kingmaker: The Stolen Lands" in variables


def test_a_changelist_makes_as_many_queries_for_many_rules_as_for_few(
    staff_client: Client, demo: Campaign
) -> None:
    def queries() -> int:
        with CaptureQueriesContext(connection) as captured:
            assert staff_client.get(url(FieldCondition, "changelist")).status_code == 200
        return len(captured)

    few = queries()
    settlement = Settlement.objects.get(name="Restov")
    for index in range(5):
        rules.create_field_condition(
            Actor(demo.owner),
            data={
                "entity_type": "settlement",
                "entity_id": str(settlement.uid),
                "field": f"extra_{index}",
                "expression": index,
            },
        )

    assert queries() == few


def test_change_pages_of_seeded_rules_render_with_history(
    staff_client: Client, condition: Condition
) -> None:
    rows = [
        Effect.objects.get(name="Festival boom"),
        condition,
        StateVariable.objects.get(key="war_chest"),
        FieldCondition.objects.get(field="title", target_uid__isnull=False),
    ]
    for row in rows:
        # when
        response = staff_client.get(url(type(row), "change", row.pk))

        # then
        assert response.status_code == 200, row
        content = response.content.decode()
        assert "History (latest versions)" in content, row
        assert "Audit trail (latest entries)" in content, row
        assert url(Version, "change", 999_999).rsplit("999999", 1)[0] in content, row
        assert url(AuditLog, "change", 999_999).rsplit("999999", 1)[0] in content, row


def test_fields_fixed_at_creation_are_read_only_on_the_change_form(staff_client: Client) -> None:
    # given
    effect = Effect.objects.get(name="Festival boom")
    variable = StateVariable.objects.get(key="tax_rate")
    condition = FieldCondition.objects.filter(target_uid__isnull=False).first()
    assert condition is not None

    # when
    effect_form = form_data(staff_client.get(url(Effect, "change", effect.pk)))
    variable_form = form_data(staff_client.get(url(StateVariable, "change", variable.pk)))
    condition_form = form_data(staff_client.get(url(FieldCondition, "change", condition.pk)))

    # then
    fixed = {"branch", "source_type", "source_uid", "target_type", "target_uid"}
    assert not fixed & set(effect_form)
    assert {"payload", "name", "timing"} <= set(effect_form)
    assert not {"branch", "scope", "scope_uid", "key", "type"} & set(variable_form)
    assert {"value", "formula"} <= set(variable_form)
    assert not {"branch", "target_type", "target_uid", "field"} & set(condition_form)
    assert "expression" in condition_form


def test_creating_a_field_condition_in_the_admin_is_versioned_and_audited(
    staff_client: Client, superuser: User, demo: Campaign
) -> None:
    # given the add form, filled in for one settlement
    settlement = Settlement.objects.get(name="Restov")
    form = staff_client.get(url(FieldCondition, "add"))
    data = {
        **form_data(form),
        "branch": str(demo.main_branch.pk),
        "target_type": "settlement",
        "target_uid": str(settlement.uid),
        "field": "is_capital",
        "expression": json.dumps({"==": [{"var": "settlement.name"}, "Restov"]}),
        "priority": "3",
    }

    # when it is posted
    response = staff_client.post(url(FieldCondition, "add"), data)

    # then the condition exists, with a version and an audit row by the admin user
    assert response.status_code == 302, form_errors(response)
    condition = FieldCondition.objects.get(field="is_capital")
    assert (condition.target_uid, condition.priority) == (settlement.uid, 3)
    assert condition.branch == demo.main_branch
    assert condition.created_by == superuser
    version = Version.objects.get(entity_type="field_condition", entity_uid=condition.uid)
    assert (version.operation, version.author) == ("CREATE", superuser)
    audit = AuditLog.objects.get(entity_type="field_condition", entity_id=str(condition.uid))
    assert (audit.actor, audit.reason) == (superuser, "admin")
    assert audit.metadata["source"] == "admin"


def test_a_type_wide_field_condition_needs_no_entity(staff_client: Client, demo: Campaign) -> None:
    form = staff_client.get(url(FieldCondition, "add"))
    data = {
        **form_data(form),
        "branch": str(demo.main_branch.pk),
        "target_type": "kingdom",
        "field": "doubled_level",
        "expression": json.dumps({"*": [{"var": "kingdom.level"}, 2]}),
    }

    response = staff_client.post(url(FieldCondition, "add"), data)

    assert response.status_code == 302, form_errors(response)
    assert FieldCondition.objects.get(field="doubled_level").target_uid is None


def test_creating_a_state_variable_in_the_admin_is_versioned_and_audited(
    staff_client: Client, superuser: User, demo: Campaign
) -> None:
    # given the add form, filled in for a campaign variable
    form = staff_client.get(url(StateVariable, "add"))
    data = {
        **form_data(form),
        "branch": str(demo.main_branch.pk),
        "scope": "campaign",
        "scope_uid": str(demo.pk),
        "key": "morale",
        "type": "integer",
        "value": "7",
    }

    # when it is posted
    response = staff_client.post(url(StateVariable, "add"), data)

    # then
    assert response.status_code == 302, form_errors(response)
    variable = StateVariable.objects.get(key="morale")
    assert (variable.value, variable.branch, variable.scope_uid) == (7, demo.main_branch, demo.pk)
    version = Version.objects.get(entity_type="state_variable", entity_uid=variable.uid)
    assert (version.operation, version.author) == ("CREATE", superuser)
    audit = AuditLog.objects.get(entity_type="state_variable", entity_id=str(variable.uid))
    assert (audit.actor, audit.reason) == (superuser, "admin")


def test_a_world_variable_has_no_branch(staff_client: Client, demo: Campaign) -> None:
    # given a world variable's add form, with a branch chosen
    form = staff_client.get(url(StateVariable, "add"))
    data = {
        **form_data(form),
        "branch": str(demo.main_branch.pk),
        "scope": "world",
        "scope_uid": str(demo.world_id),
        "key": "era",
        "type": "string",
        "value": json.dumps("Age of Lost Omens"),
    }

    # when posted with the branch, then without it
    refused = staff_client.post(url(StateVariable, "add"), data)
    accepted = staff_client.post(url(StateVariable, "add"), {**data, "branch": ""})

    # then
    assert "belongs to no branch" in " ".join(form_errors(refused)["branch"])
    assert accepted.status_code == 302, form_errors(accepted)
    era = StateVariable.objects.get(key="era")
    assert (era.branch, era.value) == (None, "Age of Lost Omens")
    # and its change page shows its (branchless) history
    page = staff_client.get(url(StateVariable, "change", era.pk)).content.decode()
    assert url(Version, "change", 999_999).rsplit("999999", 1)[0] in page


def test_an_invalid_expression_is_a_form_error_and_writes_nothing(
    staff_client: Client, demo: Campaign
) -> None:
    # given
    form = staff_client.get(url(FieldCondition, "add"))
    data = {
        **form_data(form),
        "branch": str(demo.main_branch.pk),
        "target_type": "settlement",
        "field": "broken",
        "expression": json.dumps({"frobnicate": [1]}),
    }
    before = counts()

    # when
    response = staff_client.post(url(FieldCondition, "add"), data)

    # then
    assert response.status_code == 200
    assert "Unrecognized operation frobnicate" in " ".join(form_errors(response)["expression"])
    assert counts() == before
    assert not FieldCondition.objects.filter(field="broken").exists()


def test_a_derived_formula_closing_a_cycle_is_a_form_error(
    staff_client: Client, demo: Campaign
) -> None:
    # given war_chest reads base_treasury, and a variable that reads war_chest
    rules.create_state_variable(
        Actor(demo.owner),
        data={
            "scope": "campaign",
            "scope_id": str(demo.pk),
            "key": "ransom",
            "type": "derived",
            "formula": {"+": [{"var": "var.war_chest"}, 1]},
        },
    )
    war_chest = StateVariable.objects.get(key="war_chest")
    form = staff_client.get(url(StateVariable, "change", war_chest.pk))
    before = counts()

    # when war_chest is made to read ransom
    response = staff_client.post(
        url(StateVariable, "change", war_chest.pk),
        {**form_data(form), "formula": json.dumps({"*": [{"var": "var.ransom"}, 2]})},
    )

    # then the formula field names the cycle, and nothing was written
    assert response.status_code == 200
    message = " ".join(form_errors(response)["formula"])
    assert "would create a cycle" in message
    assert "war_chest" in message
    assert "ransom" in message
    assert counts() == before
    assert StateVariable.objects.get(pk=war_chest.pk).formula == war_chest.formula


def test_a_self_referencing_formula_on_the_add_form_is_a_cycle(
    staff_client: Client, demo: Campaign
) -> None:
    form = staff_client.get(url(StateVariable, "add"))
    data = {
        **form_data(form),
        "branch": str(demo.main_branch.pk),
        "scope": "campaign",
        "scope_uid": str(demo.pk),
        "key": "echo",
        "type": "derived",
        "formula": json.dumps({"var": "var.echo"}),
    }

    response = staff_client.post(url(StateVariable, "add"), data)

    assert "cycle" in " ".join(form_errors(response)["formula"])
    assert not StateVariable.objects.filter(key="echo").exists()


def test_editing_an_effect_goes_through_the_update_action(
    staff_client: Client, superuser: User
) -> None:
    # given the seeded effect's change form
    effect = Effect.objects.get(name="Festival boom")
    form = staff_client.get(url(Effect, "change", effect.pk))
    payload = [{"op": "replace", "path": "/level", "value": 4}]

    # when a bad patch, then a good one is posted
    bad = staff_client.post(
        url(Effect, "change", effect.pk),
        {**form_data(form), "payload": json.dumps([{"op": "explode", "path": "/level"}])},
    )
    good = staff_client.post(
        url(Effect, "change", effect.pk), {**form_data(form), "payload": json.dumps(payload)}
    )

    # then the bad one is a payload error, the good one a new version by the admin user
    assert "payload" in form_errors(bad)
    assert good.status_code == 302, form_errors(good)
    effect.refresh_from_db()
    assert (effect.payload, effect.version) == (payload, 2)
    latest = Version.objects.filter(entity_type="effect", entity_uid=effect.uid).latest("sequence")
    assert (latest.operation, latest.author) == ("UPDATE", superuser)


def test_deactivating_and_deleting_rules_go_through_the_rule_actions(
    staff_client: Client, superuser: User
) -> None:
    # given
    condition = FieldCondition.objects.get(field="upkeep")
    changelist = url(FieldCondition, "changelist")

    # when it is deactivated, then deleted
    staff_client.post(
        changelist, {"action": "deactivate_selected", "_selected_action": [condition.pk]}
    )
    deactivated = FieldCondition.objects.get(pk=condition.pk)
    response = staff_client.post(url(FieldCondition, "delete", condition.pk), {"post": "yes"})

    # then
    assert deactivated.is_active is False
    assert response.status_code == 302
    assert FieldCondition.all_objects.get(pk=condition.pk).deleted_at is not None
    operations = AuditLog.objects.filter(entity_id=str(condition.uid), actor=superuser)
    assert list(operations.order_by("id").values_list("operation", flat=True)) == [
        "UPDATE",
        "DELETE",
    ]


def test_effect_executions_are_read_only(staff_client: Client, superuser: User) -> None:
    # given an execution of the seeded effect
    effect = Effect.objects.get(name="Festival boom")
    execution = EffectExecution.objects.create(
        effect=effect,
        source_type=effect.source_type,
        source_uid=effect.source_uid,
        executed_by=superuser,
        context={"event": "Harvest festival"},
        result={"applied": 1},
    )

    # when
    changelist = staff_client.get(url(EffectExecution, "changelist"))
    page = staff_client.get(url(EffectExecution, "change", execution.pk))
    effect_page = staff_client.get(url(Effect, "change", effect.pk))
    add = staff_client.get(url(EffectExecution, "add"))
    changed = staff_client.post(url(EffectExecution, "change", execution.pk), {"error": "x"})
    deleted = staff_client.post(url(EffectExecution, "delete", execution.pk), {"post": "yes"})

    # then
    assert changelist.status_code == 200
    assert page.status_code == 200
    assert "Harvest festival in New Stetven" in page.content.decode()
    assert f"effect__id__exact={effect.pk}" in effect_page.content.decode()
    assert (add.status_code, changed.status_code, deleted.status_code) == (403, 403, 403)
    assert EffectExecution.objects.get(pk=execution.pk).error == ""
