"""Campaign content: parties, kingdoms, settlements, structures, characters, events, encounters
and links. Every write goes through the entity's actions (see ``base.EntityAdmin``)."""

from typing import Any, ClassVar

from django.contrib import admin
from django.db.models import Count, Q, QuerySet
from django.http import HttpRequest
from django.utils.html import format_html_join

from campaign.actions import (
    characters,
    events,
    kingdoms,
    links,
    parties,
    settlements,
    structures,
)
from campaign.admin.base import (
    ActionForm,
    ArchivedFilter,
    BranchScopedAdmin,
    admin_url,
    related_id,
)
from campaign.models import (
    Character,
    Encounter,
    Event,
    Kingdom,
    Link,
    Party,
    Settlement,
    Structure,
)
from kernel.actor import Actor
from kernel.snapshots import iso

VARIABLE_FIELDS = ("variable_schemas", "variables")


@admin.register(Party)
class PartyAdmin(BranchScopedAdmin):
    list_display = ("name", "average_level", "manual_level_override", "campaign", "branch_name")
    list_filter = ("branch__campaign", ArchivedFilter)
    list_select_related = ("branch__campaign",)
    search_fields = ("name",)
    fields = ("name", "average_level", "manual_level_override", *VARIABLE_FIELDS)
    record_fields = ("members", *BranchScopedAdmin.record_fields)
    create_action = staticmethod(parties.create_party)
    update_action = staticmethod(parties.update_party)
    update_id = "party_id"

    @admin.display(description="members")
    def members(self, obj: Party) -> str:
        listed = format_html_join(
            ", ", '<a href="{}">{}</a>', ((admin_url(c), c) for c in obj.members.all())
        )
        return listed or "—"


@admin.register(Kingdom)
class KingdomAdmin(BranchScopedAdmin):
    list_display = ("name", "level", "settlement_count", "campaign", "branch_name", "version")
    list_filter = ("branch__campaign", ArchivedFilter)
    list_select_related = ("branch__campaign",)
    search_fields = ("name",)
    fields = ("name", "level", *VARIABLE_FIELDS)
    create_action = staticmethod(kingdoms.create_kingdom)
    update_action = staticmethod(kingdoms.update_kingdom)
    update_id = "kingdom_id"

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        live = Q(settlements__deleted_at__isnull=True)
        return super().get_queryset(request).annotate(live_settlements=Count("settlements", live))

    @admin.display(description="settlements", ordering="live_settlements")
    def settlement_count(self, obj: Any) -> int:
        return obj.live_settlements  # type: ignore[no-any-return]


@admin.register(Settlement)
class SettlementAdmin(BranchScopedAdmin):
    branch_on_create = False  # the kingdom's branch
    list_display = ("name", "kingdom", "level", "location", "campaign", "branch_name")
    list_filter = ("branch__campaign", "kingdom", ArchivedFilter)
    list_select_related = ("kingdom", "location", "branch__campaign")
    search_fields = ("name", "kingdom__name")
    autocomplete_fields = ("kingdom", "location")
    fields = ("kingdom", "location", "name", "level", *VARIABLE_FIELDS)
    create_only_fields = ("kingdom", "location")
    context_fields = ("kingdom",)

    def create_entity(self, actor: Actor, form: ActionForm, data: dict[str, Any]) -> Settlement:
        kingdom: Kingdom = form.cleaned_data["kingdom"]
        return settlements.create_settlement(
            actor, kingdom_id=kingdom.uid, data=data, branch_id=kingdom.branch_id
        )

    update_action = staticmethod(settlements.update_settlement)
    update_id = "settlement_id"


@admin.register(Structure)
class StructureAdmin(BranchScopedAdmin):
    branch_on_create = False  # the settlement's branch
    list_display = ("name", "type", "settlement", "level", "campaign", "branch_name")
    list_filter = ("type", "branch__campaign", ArchivedFilter)
    list_select_related = ("settlement", "branch__campaign")
    search_fields = ("name", "type", "settlement__name")
    autocomplete_fields = ("settlement",)
    fields = ("settlement", "type", "name", "level", "x", "y", "orientation", *VARIABLE_FIELDS)
    create_only_fields = ("settlement",)
    context_fields = ("settlement",)

    def create_entity(self, actor: Actor, form: ActionForm, data: dict[str, Any]) -> Structure:
        settlement: Settlement = form.cleaned_data["settlement"]
        return structures.create_structure(
            actor, settlement_id=settlement.uid, data=data, branch_id=settlement.branch_id
        )

    update_action = staticmethod(structures.update_structure)
    update_id = "structure_id"


@admin.register(Character)
class CharacterAdmin(BranchScopedAdmin):
    list_display = ("name", "is_npc", "race", "character_class", "level", "party", "campaign")
    list_filter = ("is_npc", "branch__campaign", ArchivedFilter)
    list_select_related = ("party", "branch__campaign")
    search_fields = ("name", "race", "character_class")
    autocomplete_fields = ("party",)
    fields = ("name", "is_npc", "race", "character_class", "level", "party", *VARIABLE_FIELDS)
    create_action = staticmethod(characters.create_character)
    update_action = staticmethod(characters.update_character)
    update_id = "character_id"


@admin.display(description="scheduled at (world time)", ordering="scheduled_at")
def scheduled(obj: Any) -> str:
    return iso(obj.scheduled_at) or "—"


@admin.register(Event)
class EventAdmin(BranchScopedAdmin):
    list_display = ("name", "event_type", scheduled, "is_completed", "location", "campaign")
    list_filter = ("event_type", "is_completed", "branch__campaign", ArchivedFilter)
    list_select_related = ("location", "branch__campaign")
    search_fields = ("name", "description")
    date_hierarchy = "scheduled_at"
    autocomplete_fields = ("location",)
    fields = (
        "name",
        "event_type",
        "description",
        "scheduled_at",
        "occurred_at",
        "is_completed",
        "location",
        *VARIABLE_FIELDS,
    )
    create_action = staticmethod(events.create_event)
    update_action = staticmethod(events.update_event)
    update_id = "event_id"


@admin.register(Encounter)
class EncounterAdmin(BranchScopedAdmin):
    list_display = ("name", "difficulty", scheduled, "is_resolved", "location", "campaign")
    list_filter = ("is_resolved", "branch__campaign", ArchivedFilter)
    list_select_related = ("location", "branch__campaign")
    search_fields = ("name", "description")
    date_hierarchy = "scheduled_at"
    autocomplete_fields = ("location",)
    fields = (
        "name",
        "description",
        "difficulty",
        "scheduled_at",
        "is_resolved",
        "resolved_at",
        "location",
        *VARIABLE_FIELDS,
    )
    create_action = staticmethod(events.create_encounter)
    update_action = staticmethod(events.update_encounter)
    update_id = "encounter_id"


ENDS = ("source_event", "source_encounter", "target_event", "target_encounter")


@admin.register(Link)
class LinkAdmin(BranchScopedAdmin):
    """A typed edge between events/encounters; its ends are fixed once created."""

    list_display = ("__str__", "link_type", "source_label", "target_label", "campaign")
    list_filter = ("link_type", "branch__campaign", ArchivedFilter)
    list_select_related = (*ENDS, "branch__campaign")
    search_fields = ("description", "source_event__name", "target_event__name")
    autocomplete_fields = ENDS
    fields = ("link_type", "description", *ENDS)
    create_only_fields = ENDS
    context_fields: ClassVar[tuple[str, ...]] = ("branch", *ENDS)
    update_action = staticmethod(links.update_link)
    update_id = "link_id"

    @admin.display(description="source")
    def source_label(self, obj: Link) -> Any:
        return obj.source

    @admin.display(description="target")
    def target_label(self, obj: Link) -> Any:
        return obj.target

    def check_form(self, form: ActionForm) -> None:
        if not form.instance._state.adding:
            return
        for end in ("source", "target"):
            chosen = [n for n in (f"{end}_event", f"{end}_encounter") if form.cleaned_data.get(n)]
            if len(chosen) != 1:
                form.add_error(
                    f"{end}_event", f"Choose exactly one {end}: an event or an encounter"
                )

    def create_entity(self, actor: Actor, form: ActionForm, data: dict[str, Any]) -> Link:
        cleaned = form.cleaned_data
        for end in ("source", "target"):
            kind = "event" if cleaned.get(f"{end}_event") else "encounter"
            data[f"{end}_type"] = kind
            data[f"{end}_id"] = related_id(cleaned[f"{end}_{kind}"])
        branch = cleaned["branch"]
        return links.create_link(
            actor, campaign_id=branch.campaign_id, data=data, branch_id=branch.pk
        )

    def form_field_for_error(self, form: ActionForm, field: str | None) -> str | None:
        end = (field or "").removesuffix("Id").removesuffix("Type")
        if end in ("source", "target"):
            kind = "encounter" if form.cleaned_data.get(f"{end}_encounter") else "event"
            return f"{end}_{kind}" if f"{end}_{kind}" in form.fields else None
        return super().form_field_for_error(form, field)
