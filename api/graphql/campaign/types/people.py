"""Parties, characters, events, encounters and links."""

from typing import Any

import graphene
from graphene import ResolveInfo

from api.graphql.campaign.dataloaders import MembersByParty, PartyById
from api.graphql.campaign.types.common import BranchScoped, VariableSchemaType
from api.graphql.dataloaders import then
from api.graphql.rules.computed import WithComputedFields
from api.graphql.scalars import JSON
from kernel.snapshots import iso


class Character(BranchScoped, WithComputedFields, graphene.ObjectType):
    name = graphene.String(required=True)
    level = graphene.Int(required=True)
    race = graphene.String()
    class_ = graphene.String(name="class")
    is_npc = graphene.Boolean(name="isNPC", required=True)
    party_id = graphene.ID()
    variables = JSON(required=True)

    @staticmethod
    def resolve_class_(root: Any, info: ResolveInfo) -> str | None:
        return root.character_class or None

    @staticmethod
    def resolve_race(root: Any, info: ResolveInfo) -> str | None:
        return root.race or None

    @staticmethod
    def resolve_party_id(root: Any, info: ResolveInfo) -> Any:
        if root.party_id is None:
            return None
        return then(PartyById.of(info).load(root.party_id), lambda p: str(p.uid))


class Party(BranchScoped, WithComputedFields, graphene.ObjectType):
    name = graphene.String(required=True)
    average_level = graphene.Int()
    manual_level_override = graphene.Int()
    level = graphene.Int(description="The manual override if set, else the average level.")
    variables = JSON(required=True)
    variable_schemas = graphene.List(graphene.NonNull(VariableSchemaType), required=True)
    members = graphene.List(graphene.NonNull(Character), required=True)

    @staticmethod
    def resolve_members(root: Any, info: ResolveInfo) -> Any:
        return MembersByParty.of(info).load(root.pk)


def _location_id(root: Any, info: ResolveInfo) -> str | None:
    return str(root.location_id) if root.location_id else None


class Event(BranchScoped, graphene.ObjectType):
    name = graphene.String(required=True)
    description = graphene.String()
    event_type = graphene.String(required=True)
    location_id = graphene.ID(resolver=_location_id)
    scheduled_at = graphene.String()
    occurred_at = graphene.String()
    is_completed = graphene.Boolean(required=True)
    variables = JSON(required=True)

    @staticmethod
    def resolve_scheduled_at(root: Any, info: ResolveInfo) -> str | None:
        return iso(root.scheduled_at)

    @staticmethod
    def resolve_occurred_at(root: Any, info: ResolveInfo) -> str | None:
        return iso(root.occurred_at)


class Encounter(BranchScoped, graphene.ObjectType):
    name = graphene.String(required=True)
    description = graphene.String()
    difficulty = graphene.Int()
    location_id = graphene.ID(resolver=_location_id)
    scheduled_at = graphene.String()
    is_resolved = graphene.Boolean(required=True)
    resolved_at = graphene.String()
    variables = JSON(required=True)

    @staticmethod
    def resolve_scheduled_at(root: Any, info: ResolveInfo) -> str | None:
        return iso(root.scheduled_at)

    @staticmethod
    def resolve_resolved_at(root: Any, info: ResolveInfo) -> str | None:
        return iso(root.resolved_at)


class Link(BranchScoped, graphene.ObjectType):
    link_type = graphene.String(required=True)
    description = graphene.String()
    source_type = graphene.String(required=True)
    source_id = graphene.ID(required=True)
    target_type = graphene.String(required=True)
    target_id = graphene.ID(required=True)

    @staticmethod
    def resolve_source_type(root: Any, info: ResolveInfo) -> str:
        return "event" if root.source_event_id else "encounter"

    @staticmethod
    def resolve_target_type(root: Any, info: ResolveInfo) -> str:
        return "event" if root.target_event_id else "encounter"

    @staticmethod
    def resolve_source_id(root: Any, info: ResolveInfo) -> str:
        return str(root.source.uid)

    @staticmethod
    def resolve_target_id(root: Any, info: ResolveInfo) -> str:
        return str(root.target.uid)
