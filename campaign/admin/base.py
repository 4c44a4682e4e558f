"""Admin building blocks: every entity change made in the admin goes through the actions.

``EntityAdmin`` gives its model a ``ActionForm`` whose ``clean()`` maps the cleaned form data to
the action's data dict and calls the entity's create/update action (inside the admin view's
transaction), with the signed-in user as the ``Actor``. A ``DomainError`` becomes a form error on
the field it names. ``save_form`` then returns the object the action wrote, and ``save_model`` /
``save_related`` write nothing more. Deleting soft-deletes through the actions; "Archive" and
"Restore" call the generic life-cycle actions. Every change page shows the entity's history
(``Version``) and audit trail (``AuditLog``) read-only.
"""

import re
from collections.abc import Iterable, Sequence
from typing import Any, ClassVar

from django import forms
from django.contrib import admin, messages
from django.contrib.admin.utils import quote
from django.core.exceptions import FieldDoesNotExist
from django.db import models, transaction
from django.db.models import QuerySet
from django.http import HttpRequest, HttpResponse, HttpResponseRedirect
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.text import capfirst

from campaign.actions import entities
from campaign.actions.kinds import KINDS
from campaign.models import AuditLog, Branch, BranchScopedEntity, Version
from campaign.permissions import MANAGE, WRITE
from kernel.actor import Actor
from kernel.errors import DomainError
from kernel.snapshots import iso, public_id

HISTORY_LIMIT = 50
RECORD_FIELDS = ("version", "created_at", "updated_at", "archived_at")


def actor_for(request: HttpRequest) -> Actor:
    """The admin user, acting for the admin site."""
    return Actor(
        request.user,  # type: ignore[arg-type]
        reason="admin",
        metadata={"source": "admin", "ip": request.META.get("REMOTE_ADDR")},
    )


def admin_url(instance: models.Model, action: str = "change") -> str:
    opts = instance._meta
    return reverse(f"admin:{opts.app_label}_{opts.model_name}_{action}", args=[quote(instance.pk)])


def related_id(value: Any) -> str | None:
    """A related row as the actions expect it: ``uid`` for branch-scoped rows, else the pk."""
    return None if value is None else public_id(value)


def snake_case(name: str) -> str:
    return re.sub(r"(?<!^)(?=[A-Z])", "_", name).lower()


def branch_label(branch: Branch) -> str:
    return f"{branch.campaign.name} / {branch.name}"


class BranchChoiceField(forms.ModelChoiceField):
    """Branches named by campaign and branch rather than by UUIDs."""

    def label_from_instance(self, obj: Any) -> str:
        return branch_label(obj)


class ActionForm(forms.ModelForm):
    """A model form whose validation *is* the action: ``clean()`` runs it and keeps the result."""

    expected_version = forms.IntegerField(required=False, widget=forms.HiddenInput)

    # Set by ``EntityAdmin.get_form`` on the per-request form class.
    model_admin: ClassVar["EntityAdmin | None"] = None
    request: ClassVar[HttpRequest | None] = None

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.result: models.Model | None = None
        if not self.instance._state.adding and hasattr(self.instance, "version"):
            # The version shown when the form was rendered; a POST sends it back.
            self.fields["expected_version"].initial = self.instance.version

    def clean(self) -> dict[str, Any]:
        super().clean()
        if self.errors or self.model_admin is None or self.request is None:
            return self.cleaned_data
        self.model_admin.check_form(self)
        if self.errors:
            return self.cleaned_data
        try:
            # A savepoint: a failing action leaves nothing behind in the admin's transaction.
            with transaction.atomic():
                self.result = self.model_admin.save_through_action(self.request, self)
        except DomainError as exc:
            field = self.model_admin.form_field_for_error(self, exc.extensions.get("field"))
            message = exc.message
            dotted = exc.extensions.get("field") or ""
            if field is not None and "." in dotted:
                message = f"{dotted}: {message}"
            self.add_error(field, message)
        return self.cleaned_data

    def _post_clean(self) -> None:
        # The action has validated and written the entity (or reported why not); Django's model
        # validation of a half-built instance would only repeat it, less precisely.
        if self.result is not None:
            self.instance = self.result


class ArchivedFilter(admin.SimpleListFilter):
    title = "archived"
    parameter_name = "archived"

    def lookups(self, request: HttpRequest, model_admin: Any) -> Sequence[tuple[str, str]]:
        return (("no", "Not archived"), ("yes", "Archived"))

    def queryset(self, request: HttpRequest, queryset: QuerySet) -> QuerySet:
        if self.value() == "no":
            return queryset.filter(archived_at__isnull=True)
        if self.value() == "yes":
            return queryset.filter(archived_at__isnull=False)
        return queryset


class HistoryMixin:
    """Read-only history and audit tables for a change page (Version/AuditLog have no FK)."""

    versioned: ClassVar[bool] = True

    def entity_type_of(self, obj: models.Model) -> str:
        return obj.entity_type  # type: ignore[attr-defined, no-any-return]

    def versions_of(self, obj: models.Model) -> QuerySet:
        query = Version.objects.filter(
            entity_type=self.entity_type_of(obj), entity_uid=obj_uid(obj)
        )
        if isinstance(obj, BranchScopedEntity):
            query = query.filter(branch_id=obj.branch_id)
        else:
            query = query.filter(branch__isnull=True)
        return query.select_related("author").order_by("-sequence")

    def audits_of(self, obj: models.Model) -> QuerySet:
        query = AuditLog.objects.filter(
            entity_type=self.entity_type_of(obj), entity_id=public_id(obj)
        )
        if isinstance(obj, BranchScopedEntity):
            query = query.filter(branch_id=obj.branch_id)
        return query.select_related("actor").order_by("-timestamp", "-id")

    @admin.display(description="History (latest versions)")
    def history_table(self, obj: models.Model | None) -> str:
        if obj is None or obj.pk is None:
            return "—"
        versions = list(self.versions_of(obj)[:HISTORY_LIMIT])
        if not versions:
            return "No versions recorded."
        rows = format_html_join(
            "",
            '<tr><td><a href="{}">v{}</a></td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>',
            (
                (
                    admin_url(v),
                    v.sequence,
                    iso(v.valid_from),
                    v.operation,
                    v.author or "system",
                    iso(v.created_at),
                )
                for v in versions
            ),
        )
        return table(("Sequence", "Valid from (world time)", "Operation", "Author", "At"), rows)

    @admin.display(description="Audit trail (latest entries)")
    def audit_table(self, obj: models.Model | None) -> str:
        if obj is None or obj.pk is None:
            return "—"
        entries = list(self.audits_of(obj)[:HISTORY_LIMIT])
        if not entries:
            return "No audit entries."
        rows = format_html_join(
            "",
            '<tr><td><a href="{}">{}</a></td><td>{}</td><td>{}</td><td>{}</td><td>{}</td></tr>',
            (
                (
                    admin_url(a),
                    iso(a.timestamp),
                    a.operation,
                    a.actor or "system",
                    a.reason or "—",
                    ", ".join(sorted(a.changes)) if isinstance(a.changes, dict) else "—",
                )
                for a in entries
            ),
        )
        return table(("At", "Operation", "Actor", "Reason", "Changed fields"), rows)


def obj_uid(obj: models.Model) -> Any:
    return getattr(obj, "uid", None) or obj.pk


def table(headers: Iterable[str], rows: SafeString) -> str:
    head = format_html_join("", "<th>{}</th>", ((h,) for h in headers))
    return format_html("<table><thead><tr>{}</tr></thead><tbody>{}</tbody></table>", head, rows)


class EntityAdmin(HistoryMixin, admin.ModelAdmin):
    """An admin whose writes go through the entity's actions.

    Subclasses list their editable ``fields`` (``create_only_fields`` among them are read-only
    on the change form) and implement ``create_entity``/``update_entity``; deletion defaults to
    the generic cascading soft delete, with the OWNER role required.
    """

    form = ActionForm
    create_only_fields: ClassVar[tuple[str, ...]] = ()
    # Form fields the admin consumes itself (the parent of a new row): never in the data dict.
    context_fields: ClassVar[tuple[str, ...]] = ()
    record_fields: ClassVar[tuple[str, ...]] = RECORD_FIELDS
    # Error field names (snake case, without ``_id``) that differ from the form field.
    error_aliases: ClassVar[dict[str, str]] = {}
    save_as = False
    actions: Sequence[Any] = ("archive_selected", "restore_selected")

    @property
    def kind_name(self) -> str | None:
        """The generic life-cycle kind (``KINDS``) of the model, if it has one."""
        name = getattr(self.model, "entity_type", None)
        return name if name in KINDS else None

    # --- forms -------------------------------------------------------------------------------

    def get_fieldsets(self, request: HttpRequest, obj: models.Model | None = None) -> Any:
        main = [*self.get_fields(request, obj)]
        if obj is not None and hasattr(obj, "version") and self.has_change_permission(request, obj):
            main.append("expected_version")
        fieldsets: list[tuple[str | None, dict[str, Any]]] = [(None, {"fields": main})]
        if obj is not None:
            fieldsets.append(("Record", {"fields": self.get_record_fields(obj)}))
            history = ("history_table", "audit_table") if self.versioned else ("audit_table",)
            fieldsets.append(("History and audit", {"fields": history}))
        return fieldsets

    def get_fields(self, request: HttpRequest, obj: models.Model | None = None) -> Any:
        return list(self.fields or ())

    def get_record_fields(self, obj: models.Model) -> tuple[str, ...]:
        return tuple(self.record_fields)

    def get_readonly_fields(self, request: HttpRequest, obj: models.Model | None = None) -> Any:
        readonly = [*self.readonly_fields]
        if obj is not None:
            readonly += [*self.create_only_fields, *self.get_record_fields(obj)]
            readonly += ["history_table", "audit_table"]
        return readonly

    def get_form(
        self,
        request: HttpRequest,
        obj: models.Model | None = None,
        change: bool = False,
        **kwargs: Any,
    ) -> Any:
        form = super().get_form(request, obj, change=change, **kwargs)
        # modelform_factory builds a new class per call, so these belong to this request only.
        form.model_admin = self  # type: ignore[attr-defined]
        form.request = request  # type: ignore[attr-defined]
        return form

    def formfield_for_foreignkey(
        self, db_field: models.ForeignKey, request: HttpRequest, **kwargs: Any
    ) -> Any:
        if db_field.related_model is Branch and db_field.name not in self.autocomplete_fields:
            kwargs.setdefault("queryset", Branch.objects.select_related("campaign"))
            kwargs.setdefault("form_class", BranchChoiceField)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)

    # --- the action bridge -------------------------------------------------------------------

    def check_form(self, form: ActionForm) -> None:
        """Form-level checks before the action runs; add errors to ``form`` to stop it."""

    def action_data(self, form: ActionForm, change: bool) -> dict[str, Any]:
        """The model fields of the form as the action's snake_case data dict (on a change, only
        the fields that changed), relations as ``<name>_id`` public ids."""
        data: dict[str, Any] = {}
        for name in form.fields:
            if name in self.context_fields or name not in form.cleaned_data:
                continue
            if change and name not in form.changed_data:
                continue
            try:
                field = self.model._meta.get_field(name)
            except FieldDoesNotExist:
                continue
            value = form.cleaned_data[name]
            if field.is_relation:
                data[f"{name}_id"] = related_id(value)
            else:
                data[name] = value
        return data

    def save_through_action(self, request: HttpRequest, form: ActionForm) -> models.Model:
        actor = actor_for(request)
        if form.instance._state.adding:
            return self.create_entity(actor, form, self.action_data(form, change=False))
        data = self.action_data(form, change=True)
        if not data:
            return form.instance  # nothing changed: no new version
        expected = form.cleaned_data.get("expected_version")
        return self.update_entity(actor, form.instance, data, expected)

    def create_entity(self, actor: Actor, form: ActionForm, data: dict[str, Any]) -> Any:
        raise NotImplementedError

    def update_entity(
        self, actor: Actor, obj: Any, data: dict[str, Any], expected_version: int | None
    ) -> Any:
        raise NotImplementedError

    def delete_entity(self, actor: Actor, obj: Any) -> None:
        """Cascading soft delete; needs OWNER."""
        assert self.kind_name is not None
        instance = entities.load(
            actor,
            self.kind_name,
            public_id(obj),
            branch_id=getattr(obj, "branch_id", None),
            minimum=MANAGE,
        )
        entities.soft_delete(actor, instance=instance)

    def form_field_for_error(self, form: ActionForm, field: str | None) -> str | None:
        """The form field a domain error names (``variables.population`` → ``variables``,
        ``locationId`` → ``location``), or None for a non-field error."""
        if not field:
            return None
        head = snake_case(field.split(".")[0])
        bare = head.removesuffix("_id")
        for name in (head, bare, self.error_aliases.get(head), self.error_aliases.get(bare)):
            if name and name in form.fields:
                return name
        return None

    def save_form(self, request: HttpRequest, form: Any, change: bool) -> Any:
        assert form.result is not None, "the action did not run"
        return form.result

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        """Already saved by the action in ``form.clean()``."""

    def save_related(self, request: HttpRequest, form: Any, formsets: Any, change: bool) -> None:
        """Relations are part of the action's data; nothing is saved besides."""

    # --- deletion ------------------------------------------------------------------------------

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        try:
            with transaction.atomic():
                self.delete_entity(actor_for(request), obj)
        except DomainError as exc:
            request._admin_delete_error = exc.message  # type: ignore[attr-defined]
            # Undo the deletion log entry written before this call.
            transaction.set_rollback(True)

    def response_delete(self, request: HttpRequest, obj_display: str, obj_id: Any) -> HttpResponse:
        error = getattr(request, "_admin_delete_error", None)
        if error is None:
            return super().response_delete(request, obj_display, obj_id)
        self.message_user(request, f"{obj_display} was not deleted: {error}", messages.ERROR)
        opts = self.model._meta
        return HttpResponseRedirect(
            reverse(f"admin:{opts.app_label}_{opts.model_name}_change", args=[quote(obj_id)])
        )

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet) -> None:
        actor = actor_for(request)
        for selected in queryset:
            # Re-read: an earlier delete of this batch may have cascaded to this row.
            obj = type(selected)._base_manager.filter(pk=selected.pk).first()
            if obj is None or getattr(obj, "deleted_at", None) is not None:
                continue
            try:
                with transaction.atomic():
                    self.delete_entity(actor, obj)
            except DomainError as exc:
                self.message_user(request, f"{obj} was not deleted: {exc.message}", messages.ERROR)

    def cascade_children(self, obj: models.Model) -> list[models.Model]:
        """The live rows a soft delete of ``obj`` takes with it (one level)."""
        if self.kind_name is None:
            return []
        return entities.children_of(obj)

    def get_deleted_objects(self, objs: Any, request: HttpRequest) -> Any:
        """What the soft delete will take with it: the kinds' cascade, never a PROTECT error
        (nothing is deleted for real)."""
        counts: dict[str, int] = {}

        def describe(obj: models.Model, depth: int) -> list[Any]:
            opts = obj._meta
            counts[str(opts.verbose_name_plural)] = counts.get(str(opts.verbose_name_plural), 0) + 1
            item: list[Any] = [
                format_html(
                    '{}: <a href="{}">{}</a>', capfirst(opts.verbose_name), admin_url(obj), obj
                )
            ]
            admin_for = self.admin_site._registry.get(type(obj))
            if depth < 5 and isinstance(admin_for, EntityAdmin):
                nested: list[Any] = []
                for child in admin_for.cascade_children(obj):
                    nested += describe(child, depth + 1)
                if nested:
                    item.append(nested)
            return item

        tree: list[Any] = []
        for obj in objs:
            tree += describe(obj, 0)
        return tree, counts, set(), []

    # --- archive / restore -----------------------------------------------------------------

    def _life_cycle(self, request: HttpRequest, queryset: QuerySet, archive: bool) -> None:
        actor = actor_for(request)
        done = skipped = 0
        for obj in queryset:
            if (obj.archived_at is not None) == archive:
                skipped += 1
                continue
            try:
                with transaction.atomic():
                    instance = self.load_for_write(actor, obj)
                    (entities.archive if archive else entities.restore)(actor, instance=instance)
                done += 1
            except DomainError as exc:
                self.message_user(request, f"{obj}: {exc.message}", messages.ERROR)
        verb = "Archived" if archive else "Restored"
        note = f" ({skipped} already {'archived' if archive else 'live'})" if skipped else ""
        self.message_user(request, f"{verb} {done} {self.model._meta.verbose_name_plural}{note}.")

    def load_for_write(self, actor: Actor, obj: Any) -> Any:
        assert self.kind_name is not None
        return entities.load(
            actor,
            self.kind_name,
            public_id(obj),
            branch_id=getattr(obj, "branch_id", None),
            minimum=WRITE,
        )

    @admin.action(description="Archive selected %(verbose_name_plural)s", permissions=["change"])
    def archive_selected(self, request: HttpRequest, queryset: QuerySet) -> None:
        self._life_cycle(request, queryset, archive=True)

    @admin.action(description="Restore selected %(verbose_name_plural)s", permissions=["change"])
    def restore_selected(self, request: HttpRequest, queryset: QuerySet) -> None:
        self._life_cycle(request, queryset, archive=False)


class BranchScopedAdmin(EntityAdmin):
    """Campaign content: lives on a branch, created in the branch's campaign. The branch is
    picked on the add form (unless the parent row, e.g. a settlement's kingdom, decides it) and
    never changes afterwards."""

    branch_on_create: ClassVar[bool] = True
    context_fields: ClassVar[tuple[str, ...]] = ("branch",)

    def get_fields(self, request: HttpRequest, obj: models.Model | None = None) -> Any:
        fields = list(super().get_fields(request, obj))
        return ["branch", *fields] if obj is None and self.branch_on_create else fields

    def get_record_fields(self, obj: models.Model) -> tuple[str, ...]:
        return ("uid", "campaign", "branch_name", *self.record_fields)

    @admin.display(description="campaign", ordering="branch__campaign__name")
    def campaign(self, obj: Any) -> Any:
        return obj.branch.campaign

    @admin.display(description="branch", ordering="branch__name")
    def branch_name(self, obj: Any) -> str:
        return obj.branch.name  # type: ignore[no-any-return]

    # The entity module's create_*(actor, *, campaign_id, data, branch_id=…) and
    # update_*(actor, *, <update_id>, data, branch_id=…, expected_version=…), for the common
    # case; ``update_id`` names the update's id argument (``kingdom_id``, …).
    create_action: ClassVar[Any] = None
    update_action: ClassVar[Any] = None
    update_id: ClassVar[str] = ""

    def create_entity(self, actor: Actor, form: ActionForm, data: dict[str, Any]) -> Any:
        branch: Branch = form.cleaned_data["branch"]
        return self.create_action(
            actor, campaign_id=branch.campaign_id, data=data, branch_id=branch.pk
        )

    def update_entity(
        self, actor: Actor, obj: Any, data: dict[str, Any], expected_version: int | None
    ) -> Any:
        return self.update_action(
            actor,
            **{self.update_id: obj.uid},
            data=data,
            branch_id=obj.branch_id,
            expected_version=expected_version,
        )


class ReadOnlyAdmin(admin.ModelAdmin):
    """A record written only by the actions: viewable, never added, changed or deleted here."""

    def has_add_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_change_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return False
