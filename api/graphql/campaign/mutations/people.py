"""Parties (and their members), characters, events, encounters and links."""

from typing import Any

import graphene
from graphene import ResolveInfo

from api.graphql.campaign.access import actor
from api.graphql.campaign.mutations.factory import (
    TypedVariablesInput,
    Versioning,
    create_and_update,
    life_cycle,
    object_type,
    set_level,
    split,
    typed_variables,
)
from api.graphql.campaign.types.people import Character, Encounter, Event, Link, Party
from api.graphql.scalars import DateTime
from campaign.actions import characters, events, links, parties

CHARACTER_RENAMES = {"class_": "character_class"}


class CreatePartyInput(TypedVariablesInput, graphene.InputObjectType):
    campaign_id = graphene.ID(required=True)
    branch_id = graphene.ID()
    name = graphene.String(required=True)
    average_level = graphene.Int()
    manual_level_override = graphene.Int()


class UpdatePartyInput(TypedVariablesInput, Versioning, graphene.InputObjectType):
    name = graphene.String()
    average_level = graphene.Int()
    manual_level_override = graphene.Int()


class CharacterFields(TypedVariablesInput):
    class_ = graphene.String(name="class")
    race = graphene.String()
    party_id = graphene.ID()


class CreateCharacterInput(CharacterFields, graphene.InputObjectType):
    campaign_id = graphene.ID(required=True)
    branch_id = graphene.ID()
    name = graphene.String(required=True)
    level = graphene.Int(required=True, default_value=1)
    is_npc = graphene.Boolean(name="isNPC", required=True, default_value=False)


class UpdateCharacterInput(CharacterFields, Versioning, graphene.InputObjectType):
    name = graphene.String()
    level = graphene.Int()
    is_npc = graphene.Boolean(name="isNPC")


class CreateEventInput(TypedVariablesInput, graphene.InputObjectType):
    campaign_id = graphene.String(required=True)
    branch_id = graphene.ID()
    name = graphene.String(required=True)
    description = graphene.String()
    event_type = graphene.String(required=True)
    location_id = graphene.String()
    scheduled_at = graphene.String()


class UpdateEventInput(TypedVariablesInput, Versioning, graphene.InputObjectType):
    name = graphene.String()
    description = graphene.String()
    event_type = graphene.String()
    location_id = graphene.String()
    scheduled_at = graphene.String()
    occurred_at = graphene.String()
    is_completed = graphene.Boolean()


class CreateEncounterInput(TypedVariablesInput, graphene.InputObjectType):
    campaign_id = graphene.String(required=True)
    branch_id = graphene.ID()
    name = graphene.String(required=True)
    description = graphene.String()
    difficulty = graphene.Int()
    location_id = graphene.String()
    scheduled_at = DateTime()


class UpdateEncounterInput(TypedVariablesInput, Versioning, graphene.InputObjectType):
    name = graphene.String()
    description = graphene.String()
    difficulty = graphene.Int()
    location_id = graphene.String()
    scheduled_at = DateTime()
    is_resolved = graphene.Boolean()
    resolved_at = DateTime()


class CreateLinkInput(graphene.InputObjectType):
    campaign_id = graphene.ID(description="Needed only to link on a branch other than main.")
    branch_id = graphene.ID()
    source_type = graphene.String(required=True)
    source_id = graphene.String(required=True)
    target_type = graphene.String(required=True)
    target_id = graphene.String(required=True)
    link_type = graphene.String(required=True)
    description = graphene.String()


class UpdateLinkInput(graphene.InputObjectType):
    branch_id = graphene.ID()
    expected_version = graphene.Float()
    link_type = graphene.String()
    description = graphene.String()


class PartyMemberFields:
    party_id = graphene.ID(required=True)
    character_id = graphene.ID(required=True)
    branch_id = graphene.ID()


class AddPartyMemberInput(PartyMemberFields, graphene.InputObjectType):
    pass


class RemovePartyMemberInput(PartyMemberFields, graphene.InputObjectType):
    pass


def in_campaign(create: Any, renames: dict[str, str] | None = None) -> Any:
    def resolve(root: None, info: ResolveInfo, input: dict[str, Any]) -> Any:
        data, options = split(input, renames)
        return create(actor(info), data.pop("campaign_id"), data, **options)

    return resolve


def create_link(root: None, info: ResolveInfo, input: dict[str, Any]) -> Any:
    """Links need no campaignId in the contract: the source entity's campaign is used."""
    data, options = split(input)
    campaign_id = data.pop("campaign_id", None) or links.campaign_of_endpoint(
        actor(info), data.get("source_type"), data.get("source_id"), options.get("branch_id")
    )
    return links.create_link(actor(info), campaign_id, data, **options)


def party_member(change: Any) -> Any:
    def resolve(root: None, info: ResolveInfo, input: dict[str, Any]) -> Any:
        return change(
            actor(info), input["party_id"], input["character_id"], branch_id=input.get("branch_id")
        )

    return resolve


PeopleMutations = object_type(
    "PeopleMutations",
    create_and_update(
        "party",
        Party,
        in_campaign(parties.create_party),
        CreatePartyInput,
        parties.update_party,
        UpdatePartyInput,
    ),
    create_and_update(
        "character",
        Character,
        in_campaign(characters.create_character, CHARACTER_RENAMES),
        CreateCharacterInput,
        characters.update_character,
        UpdateCharacterInput,
        renames=CHARACTER_RENAMES,
    ),
    create_and_update(
        "event",
        Event,
        in_campaign(events.create_event),
        CreateEventInput,
        events.update_event,
        UpdateEventInput,
    ),
    create_and_update(
        "encounter",
        Encounter,
        in_campaign(events.create_encounter),
        CreateEncounterInput,
        events.update_encounter,
        UpdateEncounterInput,
    ),
    create_and_update(
        "link", Link, create_link, CreateLinkInput, links.update_link, UpdateLinkInput
    ),
    *(
        life_cycle(kind, t)
        for kind, t in (
            ("party", Party),
            ("character", Character),
            ("event", Event),
            ("encounter", Encounter),
            ("link", Link),
        )
    ),
    set_level("party", Party),
    set_level("character", Character),
    typed_variables("party"),
    {
        "add_party_member": graphene.Field(
            Party,
            required=True,
            input=AddPartyMemberInput(required=True),
            resolver=party_member(parties.add_member),
        ),
        "remove_party_member": graphene.Field(
            Party,
            required=True,
            input=RemovePartyMemberInput(required=True),
            resolver=party_member(parties.remove_member),
        ),
    },
)
