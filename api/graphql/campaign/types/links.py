"""The Link type: an event or encounter linked to another."""

from typing import Any

import graphene
from graphene import ResolveInfo

from api.graphql.campaign.types.common import BranchScoped


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
