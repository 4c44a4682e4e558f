"""Rules: computed-field conditions, state variables, effects and availability conditions.

Every write goes through ``rules.actions`` (see ``base.EntityAdmin``): the actions
validate expressions and patches, refuse dependency cycles and version and audit the change.
What a rule points at (its entity, an effect's source and target, a variable's scope) is fixed
when it is created. Effect executions and deferred work are records written by the engine and
the API's actions: read-only here.
"""

import json
import uuid
from collections.abc import Iterable, Mapping
from typing import Any, ClassVar

from django import forms
from django.contrib import admin, messages
from django.db import models, transaction
from django.db.models import Case, OuterRef, QuerySet, Subquery, Value, When
from django.forms.fields import InvalidJSONInput
from django.http import HttpRequest
from django.urls import reverse
from django.utils.html import format_html

from campaign.actions.kinds import KINDS
from campaign.admin.base import (
    RECORD_FIELDS,
    ActionForm,
    ArchivedFilter,
    BranchScopedAdmin,
    EntityAdmin,
    ReadOnlyAdmin,
    actor_for,
)
from campaign.admin.history import entity_link, entity_row, pretty_json
from campaign.models import AuditLog, Branch, Version
from kernel.actor import Actor
from kernel.errors import DomainError
from rules import actions as rules
from rules.models import (
    Condition,
    DeferredWork,
    Effect,
    EffectExecution,
    FieldCondition,
    StateVariable,
)
from rules.models.effects import EffectTarget
from rules.models.kinds import Occurrence, RuleTarget
from rules.models.variables import VariableScope

SUMMARY_LENGTH = 60


class JSONText(forms.JSONField):
    """JSON edited as indented text (expressions, formulas and patches nest)."""

    widget = forms.Textarea(attrs={"rows": 8, "cols": 80, "style": "font-family: monospace"})

    def prepare_value(self, value: Any) -> Any:
        if isinstance(value, InvalidJSONInput):
            return value
        if value is None:
            return ""
        return json.dumps(value, ensure_ascii=False, indent=2, cls=self.encoder)


def has_field(model: type[models.Model], name: str) -> bool:
    return any(f.name == name for f in model._meta.get_fields())


def name_of(type_field: str, uid_field: str, kinds: Iterable[str]) -> Case:
    """SQL for the name of the row a rule points at by (type, uid): one query for a whole page.

    Branch-scoped rows are looked up on the rule's branch; worlds, campaigns and locations by key.
    """
    whens = []
    for kind in kinds:
        model = KINDS[kind].model
        if has_field(model, "uid"):
            rows = model._default_manager.filter(
                uid=OuterRef(uid_field), branch_id=OuterRef("branch_id")
            )
        else:
            rows = model._default_manager.filter(pk=OuterRef(uid_field))
        label = "name" if has_field(model, "name") else "key"
        whens.append(When(**{type_field: kind}, then=Subquery(rows.values(label)[:1])))
    return Case(*whens, default=Value(None), output_field=models.CharField())


def pointer(kind: str, uid: Any, name: str | None) -> str:
    """``settlement Restov``; ``every settlement`` for a type-wide rule."""
    if uid is None:
        return f"every {kind}"
    return f"{kind} {name}" if name else f"{kind} {str(uid)[:8]}… (not found)"


def linked(kind: str, uid: Any, branch_id: Any) -> str:
    """The row a rule points at, linked to its admin page."""
    if uid is None:
        return f"every {kind}"
    return entity_link(entity_row(kind, uid, branch_id), f"{kind} {uid}")


def summary(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= SUMMARY_LENGTH else text[: SUMMARY_LENGTH - 1] + "…"


class RuleActions:
    """What the rule admins share: deleting through ``rules.delete_rule``, turning rules on and
    off through ``rules.toggle_active``, and the action's names for the pointer fields."""

    actions: Any = (
        "activate_selected",
        "deactivate_selected",
        "archive_selected",
        "restore_selected",
    )
    # Form field → the key the create action expects (``target_uid`` → ``entity_id``).
    renamed: ClassVar[dict[str, str]] = {}
    formfield_overrides: ClassVar[Mapping[type[models.Field], Mapping[str, Any]]] = {
        models.JSONField: {"form_class": JSONText}
    }

    def action_data(self, form: ActionForm, change: bool) -> dict[str, Any]:
        data: dict[str, Any] = super().action_data(form, change)  # type: ignore[misc]
        for field, key in self.renamed.items():
            if field in data:
                data[key] = data.pop(field)
        return {k: str(v) if isinstance(v, uuid.UUID) else v for k, v in data.items()}

    def delete_entity(self, actor: Actor, obj: Any) -> None:
        rules.delete_rule(actor, kind=self.kind_name, rule_id=obj.uid, branch_id=obj.branch_id)  # type: ignore[attr-defined]

    def _toggle(self, request: HttpRequest, queryset: QuerySet, active: bool) -> None:
        actor = actor_for(request)
        done = 0
        for obj in queryset:
            if obj.is_active == active:
                continue
            try:
                with transaction.atomic():
                    rules.toggle_active(
                        actor,
                        kind=self.kind_name,  # type: ignore[attr-defined]
                        rule_id=obj.uid,
                        is_active=active,
                        branch_id=obj.branch_id,
                    )
                done += 1
            except DomainError as exc:
                self.message_user(request, f"{obj}: {exc.message}", messages.ERROR)  # type: ignore[attr-defined]
        verb = "Activated" if active else "Deactivated"
        plural = self.model._meta.verbose_name_plural  # type: ignore[attr-defined]
        self.message_user(request, f"{verb} {done} {plural}.")  # type: ignore[attr-defined]

    @admin.action(description="Activate selected %(verbose_name_plural)s", permissions=["change"])
    def activate_selected(self, request: HttpRequest, queryset: QuerySet) -> None:
        self._toggle(request, queryset, active=True)

    @admin.action(description="Deactivate selected %(verbose_name_plural)s", permissions=["change"])
    def deactivate_selected(self, request: HttpRequest, queryset: QuerySet) -> None:
        self._toggle(request, queryset, active=False)


class RuleAdmin(RuleActions, BranchScopedAdmin):
    """A rule on a campaign branch, created by ``create_action(actor, data=…)`` with the branch
    (and, for type-wide rules, the campaign) in the data."""

    with_campaign: ClassVar[bool] = False

    def create_entity(self, actor: Actor, form: ActionForm, data: dict[str, Any]) -> Any:
        branch: Branch = form.cleaned_data["branch"]
        data["branch_id"] = str(branch.pk)
        if self.with_campaign:
            data["campaign_id"] = str(branch.campaign_id)
        return self.create_action(actor, data=data)


POINTER_ERRORS = {"entity_type": "target_type", "entity_id": "target_uid", "campaign_id": "branch"}


@admin.register(FieldCondition)
class FieldConditionAdmin(RuleAdmin):
    """A computed field of one entity, or (without an entity) of every entity of the type."""

    list_display = (
        "field",
        "target_type",
        "target_label",
        "priority",
        "is_active",
        "campaign",
        "branch_name",
        "version",
    )
    list_filter = ("target_type", "is_active", "branch__campaign", ArchivedFilter)
    list_select_related = ("branch__campaign",)
    search_fields = ("field", "description")
    fields = (
        "target_type",
        "target_uid",
        "field",
        "expression",
        "priority",
        "description",
        "is_active",
    )
    create_only_fields = ("target_type", "target_uid", "field")
    record_fields = ("target_link", "created_by", "updated_by", *RECORD_FIELDS)
    renamed: ClassVar[dict[str, str]] = {"target_type": "entity_type", "target_uid": "entity_id"}
    error_aliases: ClassVar[dict[str, str]] = POINTER_ERRORS
    with_campaign = True
    create_action = staticmethod(rules.create_field_condition)
    update_action = staticmethod(rules.update_field_condition)
    update_id = "condition_id"

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        names = name_of("target_type", "target_uid", RuleTarget.values)
        return super().get_queryset(request).annotate(target_name=names)

    @admin.display(description="entity", ordering="target_name")
    def target_label(self, obj: Any) -> str:
        return pointer(obj.target_type, obj.target_uid, getattr(obj, "target_name", None))

    @admin.display(description="entity")
    def target_link(self, obj: FieldCondition) -> str:
        return linked(obj.target_type, obj.target_uid, obj.branch_id)


@admin.register(Condition)
class ConditionAdmin(RuleAdmin):
    """Whether an event or encounter is available."""

    list_display = ("name", "target_label", "is_active", "campaign", "branch_name", "version")
    list_filter = ("target_type", "is_active", "branch__campaign", ArchivedFilter)
    list_select_related = ("branch__campaign",)
    search_fields = ("name", "description")
    fields = ("target_type", "target_uid", "name", "description", "expression", "is_active")
    create_only_fields = ("target_type", "target_uid")
    record_fields = ("target_link", *RECORD_FIELDS)
    renamed: ClassVar[dict[str, str]] = {"target_type": "entity_type", "target_uid": "entity_id"}
    error_aliases: ClassVar[dict[str, str]] = POINTER_ERRORS
    create_action = staticmethod(rules.create_condition)
    update_action = staticmethod(rules.update_condition)
    update_id = "condition_id"

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        names = name_of("target_type", "target_uid", Occurrence.values)
        return super().get_queryset(request).annotate(target_name=names)

    @admin.display(description="event or encounter", ordering="target_name")
    def target_label(self, obj: Any) -> str:
        return pointer(obj.target_type, obj.target_uid, getattr(obj, "target_name", None))

    @admin.display(description="event or encounter")
    def target_link(self, obj: Condition) -> str:
        return linked(obj.target_type, obj.target_uid, obj.branch_id)


@admin.register(Effect)
class EffectAdmin(RuleAdmin):
    """A JSON Patch applied to its target when its event completes or encounter resolves."""

    list_display = (
        "name",
        "source_label",
        "target_label",
        "timing",
        "priority",
        "is_active",
        "campaign",
        "branch_name",
        "version",
    )
    list_filter = (
        "timing",
        "source_type",
        "target_type",
        "is_active",
        "branch__campaign",
        ArchivedFilter,
    )
    list_select_related = ("branch__campaign",)
    search_fields = ("name", "description", "effect_type")
    fields = (
        "source_type",
        "source_uid",
        "target_type",
        "target_uid",
        "name",
        "description",
        "effect_type",
        "timing",
        "priority",
        "payload",
        "is_active",
    )
    create_only_fields = ("source_type", "source_uid", "target_type", "target_uid")
    record_fields = ("source_link", "target_link", "executions", *RECORD_FIELDS)
    renamed: ClassVar[dict[str, str]] = {
        "source_type": "entity_type",
        "source_uid": "entity_id",
        "target_uid": "target_id",
    }
    error_aliases: ClassVar[dict[str, str]] = {
        "entity_type": "source_type",
        "entity_id": "source_uid",
        "target_id": "target_uid",
    }
    create_action = staticmethod(rules.create_effect)
    update_action = staticmethod(rules.update_effect)
    update_id = "effect_id"

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        targets = [t for t in EffectTarget.values if t != EffectTarget.SELF]
        return (
            super()
            .get_queryset(request)
            .annotate(
                source_name=name_of("source_type", "source_uid", Occurrence.values),
                target_name=name_of("target_type", "target_uid", targets),
            )
        )

    @admin.display(description="source", ordering="source_name")
    def source_label(self, obj: Any) -> str:
        return pointer(obj.source_type, obj.source_uid, getattr(obj, "source_name", None))

    @admin.display(description="target", ordering="target_name")
    def target_label(self, obj: Any) -> str:
        if obj.target_type == EffectTarget.SELF:
            return "the source itself"
        return pointer(obj.target_type, obj.target_uid, getattr(obj, "target_name", None))

    @admin.display(description="source")
    def source_link(self, obj: Effect) -> str:
        return linked(obj.source_type, obj.source_uid, obj.branch_id)

    @admin.display(description="target")
    def target_link(self, obj: Effect) -> str:
        if obj.target_type == EffectTarget.SELF:
            return "the source itself"
        return linked(obj.target_type, obj.target_uid, obj.branch_id)

    @admin.display(description="executions")
    def executions(self, obj: Effect) -> str:
        count = obj.executions.count()
        if not count:
            return "none yet"
        listing = reverse("admin:rules_effectexecution_changelist")
        return format_html('<a href="{}?effect__id__exact={}">{}</a>', listing, obj.pk, count)


@admin.register(StateVariable)
class StateVariableAdmin(RuleActions, EntityAdmin):
    """A named value of a world, a campaign or one of its entities; derived variables compute
    theirs from a formula. World variables have no branch; every other scope lives on one."""

    list_display = (
        "key",
        "scope_label",
        "type",
        "current",
        "is_active",
        "campaign",
        "branch_name",
        "version",
    )
    list_filter = ("scope", "type", "is_active", "branch__campaign", ArchivedFilter)
    list_select_related = ("branch__campaign",)
    search_fields = ("key", "description")
    fields = ("scope", "scope_uid", "key", "type", "value", "formula", "description", "is_active")
    create_only_fields = ("scope", "scope_uid", "key", "type")
    context_fields = ("branch",)
    record_fields = (
        "uid",
        "campaign",
        "branch_name",
        "scope_link",
        "created_by",
        "updated_by",
        *RECORD_FIELDS,
    )
    renamed: ClassVar[dict[str, str]] = {"scope_uid": "scope_id"}
    error_aliases: ClassVar[dict[str, str]] = {
        "scope_id": "scope_uid",
        "campaign_id": "branch",
        "branch_id": "branch",
    }

    def get_fields(self, request: HttpRequest, obj: models.Model | None = None) -> Any:
        fields = list(super().get_fields(request, obj))
        return ["branch", *fields] if obj is None else fields

    def get_form(
        self,
        request: HttpRequest,
        obj: models.Model | None = None,
        change: bool = False,
        **kwargs: Any,
    ) -> Any:
        form = super().get_form(request, obj, change=change, **kwargs)
        if "branch" in form.base_fields:
            form.base_fields[
                "branch"
            ].help_text = "The campaign branch the variable lives on; empty for a world variable."
        if "scope_uid" in form.base_fields:
            form.base_fields[
                "scope_uid"
            ].help_text = "The id of the world, campaign or location, or the uid of the entity."
        return form

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        names = name_of("scope", "scope_uid", VariableScope.values)
        return super().get_queryset(request).annotate(scope_name=names)

    @admin.display(description="scope", ordering="scope_name")
    def scope_label(self, obj: Any) -> str:
        return pointer(obj.scope, obj.scope_uid, getattr(obj, "scope_name", None))

    @admin.display(description="value or formula")
    def current(self, obj: StateVariable) -> str:
        return summary(obj.formula if obj.formula is not None else obj.value)

    @admin.display(description="campaign", ordering="branch__campaign__name")
    def campaign(self, obj: StateVariable) -> Any:
        return obj.branch.campaign if obj.branch is not None else "— (world)"

    @admin.display(description="branch", ordering="branch__name")
    def branch_name(self, obj: StateVariable) -> str:
        return obj.branch.name if obj.branch is not None else "—"

    @admin.display(description="scope")
    def scope_link(self, obj: StateVariable) -> str:
        return linked(obj.scope, obj.scope_uid, obj.branch_id)

    # A world variable's history has no branch, a campaign variable's is on its branch.
    def versions_of(self, obj: Any) -> QuerySet:
        return (
            Version.objects.filter(
                entity_type=obj.entity_type, entity_uid=obj.uid, branch_id=obj.branch_id
            )
            .select_related("author")
            .order_by("-sequence")
        )

    def audits_of(self, obj: Any) -> QuerySet:
        return (
            AuditLog.objects.filter(
                entity_type=obj.entity_type, entity_id=str(obj.uid), branch_id=obj.branch_id
            )
            .select_related("actor")
            .order_by("-timestamp", "-id")
        )

    def check_form(self, form: ActionForm) -> None:
        if not form.instance._state.adding:
            return
        branch = form.cleaned_data.get("branch")
        if form.cleaned_data.get("scope") == VariableScope.WORLD:
            if branch is not None:
                form.add_error("branch", "A world variable belongs to no branch: leave it empty")
        elif branch is None:
            form.add_error("branch", "Choose the campaign branch the variable lives on")

    def create_entity(self, actor: Actor, form: ActionForm, data: dict[str, Any]) -> Any:
        branch: Branch | None = form.cleaned_data.get("branch")
        if branch is not None:
            data["branch_id"] = str(branch.pk)
            data["campaign_id"] = str(branch.campaign_id)
        return rules.create_state_variable(actor, data=data)

    def update_entity(
        self, actor: Actor, obj: Any, data: dict[str, Any], expected_version: int | None
    ) -> Any:
        return rules.update_state_variable(
            actor,
            variable_id=obj.uid,
            data=data,
            branch_id=obj.branch_id,
            expected_version=expected_version,
        )


@admin.register(EffectExecution)
class EffectExecutionAdmin(ReadOnlyAdmin):
    """What an effect saw and did each time it ran (or was dry-run)."""

    list_display = (
        "executed_at",
        "effect",
        "source_type",
        "source_uid",
        "dry_run",
        "succeeded",
        "executed_by",
    )
    list_filter = ("dry_run", "source_type", "effect__branch__campaign")
    list_select_related = ("effect", "executed_by")
    search_fields = ("effect__name", "=source_uid", "error")
    date_hierarchy = "executed_at"
    fields = (
        "effect",
        "source_type",
        "source_uid",
        "source",
        "executed_at",
        "executed_by",
        "dry_run",
        "error",
        "context_json",
        "result_json",
    )

    @admin.display(boolean=True, description="succeeded")
    def succeeded(self, obj: EffectExecution) -> bool:
        return not obj.error

    @admin.display(description="source")
    def source(self, obj: EffectExecution) -> str:
        return linked(obj.source_type, obj.source_uid, obj.effect.branch_id)

    @admin.display(description="context")
    def context_json(self, obj: EffectExecution) -> str:
        return pretty_json(obj.context)

    @admin.display(description="result")
    def result_json(self, obj: EffectExecution) -> str:
        return pretty_json(obj.result)


@admin.register(DeferredWork)
class DeferredWorkAdmin(ReadOnlyAdmin):
    """An effect deferred to a world time, or a triggered event or encounter left to the clock;
    done (or failed, with the reason) once the branch's world time reached it."""

    list_display = ("entity_type", "entity_uid", "due_at", "scheduled_by", "done_at", "error")
    list_filter = ("entity_type", ("done_at", admin.EmptyFieldListFilter))
    search_fields = ("entity_uid", "scheduled_by")
