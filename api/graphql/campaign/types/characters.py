"""The Character type."""

from typing import Any

import graphene
from graphene import ResolveInfo

from api.graphql.campaign.dataloaders import PartyById
from api.graphql.campaign.types.common import BranchScoped
from api.graphql.dataloaders import then
from api.graphql.rules.computed import WithComputedFields
from api.graphql.scalars import JSON


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
