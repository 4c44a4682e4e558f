"""Worlds, their maps, campaigns, branches and memberships."""

from typing import Any, ClassVar

from django import forms
from django.contrib import admin
from django.contrib.admin.widgets import AdminSplitDateTime
from django.db import models
from django.db.models import QuerySet
from django.http import HttpRequest
from django.utils.html import format_html_join

from campaign.actions import branches, campaigns, kinds, locations, worlds
from campaign.admin.base import (
    RECORD_FIELDS,
    ActionForm,
    ArchivedFilter,
    EntityAdmin,
    admin_url,
    branch_label,
)
from campaign.models import AuditLog, Branch, Campaign, CampaignMembership, Location, World
from kernel.actor import Actor


@admin.register(World)
class WorldAdmin(EntityAdmin):
    list_display = ("name", "owner", "version", "archived_at", "updated_at")
    list_filter = (ArchivedFilter,)
    list_select_related = ("owner",)
    search_fields = ("name", "owner__email")
    date_hierarchy = "created_at"
    fields = ("name", "calendars", "settings")
    record_fields = ("id", "owner", *RECORD_FIELDS)

    def create_entity(self, actor: Actor, form: ActionForm, data: dict[str, Any]) -> World:
        return worlds.create_world(actor, data=data)

    def update_entity(
        self, actor: Actor, obj: World, data: dict[str, Any], expected_version: int | None
    ) -> World:
        return worlds.update_world(
            actor, world_id=obj.pk, data=data, expected_version=expected_version
        )

    def delete_entity(self, actor: Actor, obj: World) -> None:
        worlds.delete_world(actor, world_id=obj.pk)


class CampaignForm(ActionForm):
    current_world_time = forms.SplitDateTimeField(
        required=False,
        widget=AdminSplitDateTime,
        help_text="World time at which the campaign's clock starts (its main branch).",
    )


@admin.register(Campaign)
class CampaignAdmin(EntityAdmin):
    form = CampaignForm
    list_display = ("name", "world", "owner", "is_active", "version", "updated_at")
    list_filter = ("is_active", ArchivedFilter)
    list_select_related = ("world", "owner")
    search_fields = ("name", "world__name", "owner__email")
    date_hierarchy = "created_at"
    autocomplete_fields = ("world",)
    fields = ("name", "world", "current_world_time", "is_active", "srid", "settings")
    create_only_fields = ("world", "current_world_time")
    context_fields = ("world",)
    record_fields = ("id", "owner", "members", *RECORD_FIELDS)

    @admin.display(description="members")
    def members(self, obj: Campaign) -> str:
        rows = obj.memberships.select_related("user").order_by("role", "user__email")
        listed = format_html_join(
            ", ", '<a href="{}">{}</a> ({})', ((admin_url(m), m.user, m.role) for m in rows)
        )
        return listed or "—"

    def create_entity(self, actor: Actor, form: ActionForm, data: dict[str, Any]) -> Campaign:
        return campaigns.create_campaign(
            actor,
            world_id=form.cleaned_data["world"].pk,
            data=data,
            current_world_time=form.cleaned_data.get("current_world_time"),
        )

    def update_entity(
        self, actor: Actor, obj: Campaign, data: dict[str, Any], expected_version: int | None
    ) -> Campaign:
        return campaigns.update_campaign(
            actor, campaign_id=obj.pk, data=data, expected_version=expected_version
        )

    def delete_entity(self, actor: Actor, obj: Campaign) -> None:
        campaigns.delete_campaign(actor, campaign_id=obj.pk)

    def cascade_children(self, obj: models.Model) -> list[models.Model]:
        children: list[models.Model] = []
        for model in kinds.campaign_content():
            children += list(model.objects.filter(branch__campaign=obj))  # type: ignore[attr-defined]
        return children


@admin.register(Location)
class LocationAdmin(EntityAdmin):
    list_display = ("__str__", "type", "world", "parent", "min_x", "min_y", "max_x", "max_y")
    list_filter = ("type", ArchivedFilter, "world")
    list_select_related = ("world", "parent")
    search_fields = ("name", "description")
    autocomplete_fields = ("world", "parent")
    fields = ("world", "type", "name", "description", "parent", "geometry")
    create_only_fields = ("world",)
    context_fields = ("world",)
    record_fields = ("id", "min_x", "min_y", "max_x", "max_y", "extent", *RECORD_FIELDS)
    error_aliases: ClassVar[dict[str, str]] = {"parent_location": "parent"}

    def create_entity(self, actor: Actor, form: ActionForm, data: dict[str, Any]) -> Location:
        return locations.create_location(actor, world_id=form.cleaned_data["world"].pk, data=data)

    def update_entity(
        self, actor: Actor, obj: Location, data: dict[str, Any], expected_version: int | None
    ) -> Location:
        return locations.update_location(
            actor, location_id=obj.pk, data=data, expected_version=expected_version
        )


@admin.register(Branch)
class BranchAdmin(EntityAdmin):
    """Branch records; a new branch forks from a parent branch (the main one is created with
    its campaign and is never deleted)."""

    versioned = False  # branch changes are audited, not versioned
    actions = ()
    list_display = (
        "name",
        "campaign",
        "parent_label",
        "current_world_time",
        "is_pinned",
        "version",
    )
    list_filter = ("is_pinned", "campaign")
    list_select_related = ("campaign", "parent__campaign")
    search_fields = ("name", "description", "campaign__name")
    date_hierarchy = "created_at"
    fields = ("parent", "diverged_at", "name", "description", "color", "is_pinned", "tags")
    create_only_fields = ("parent", "diverged_at")
    context_fields = ("parent",)
    record_fields = (
        "id",
        "campaign",
        "fork_point",
        "current_world_time",
        "version",
        "created_at",
        "updated_at",
    )

    @admin.display(description="parent", ordering="parent__name")
    def parent_label(self, obj: Branch) -> str:
        return branch_label(obj.parent) if obj.parent else "—"

    def create_entity(self, actor: Actor, form: ActionForm, data: dict[str, Any]) -> Branch:
        parent: Branch = form.cleaned_data["parent"]
        return branches.create_branch(
            actor, campaign_id=parent.campaign_id, parent_id=parent.pk, data=data
        )

    def update_entity(
        self, actor: Actor, obj: Branch, data: dict[str, Any], expected_version: int | None
    ) -> Branch:
        return branches.update_branch(
            actor, branch_id=obj.pk, data=data, expected_version=expected_version
        )

    def delete_entity(self, actor: Actor, obj: Branch) -> None:
        branches.delete_branch(actor, branch_id=obj.pk)

    def cascade_children(self, obj: models.Model) -> list[models.Model]:
        return []

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        if obj is not None and obj.parent_id is None:
            return False  # the main branch lives as long as its campaign
        return super().has_delete_permission(request, obj)


@admin.register(CampaignMembership)
class CampaignMembershipAdmin(EntityAdmin):
    versioned = False  # memberships are audited, not versioned
    actions = ()
    list_display = ("user", "campaign", "role", "created_at")
    list_filter = ("role", "campaign")
    list_select_related = ("user", "campaign")
    search_fields = ("user__email", "user__name", "campaign__name")
    autocomplete_fields = ("campaign", "user")
    fields = ("campaign", "user", "role")
    create_only_fields = ("campaign", "user")
    context_fields = ("campaign", "user")
    record_fields = ("created_at", "updated_at")

    def entity_type_of(self, obj: models.Model) -> str:
        return "membership"

    def audits_of(self, obj: Any) -> QuerySet:
        return (
            AuditLog.objects.filter(
                entity_type="membership", entity_id=str(obj.user_id), campaign_id=obj.campaign_id
            )
            .select_related("actor")
            .order_by("-timestamp", "-id")
        )

    def create_entity(
        self, actor: Actor, form: ActionForm, data: dict[str, Any]
    ) -> CampaignMembership:
        cleaned = form.cleaned_data
        return campaigns.add_member(
            actor, campaign_id=cleaned["campaign"].pk, user_id=cleaned["user"].pk, role=data["role"]
        )

    def update_entity(
        self,
        actor: Actor,
        obj: CampaignMembership,
        data: dict[str, Any],
        expected_version: int | None,
    ) -> CampaignMembership:
        return campaigns.update_member(
            actor, campaign_id=obj.campaign_id, user_id=obj.user_id, role=data["role"]
        )

    def delete_entity(self, actor: Actor, obj: CampaignMembership) -> None:
        campaigns.remove_member(actor, campaign_id=obj.campaign_id, user_id=obj.user_id)

    def cascade_children(self, obj: models.Model) -> list[models.Model]:
        return []
