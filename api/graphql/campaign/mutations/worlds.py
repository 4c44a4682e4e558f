"""World inputs and resolvers (the root fields are in api/graphql/campaign/schema.py)."""

from typing import Any

import graphene
from graphene import ResolveInfo

from api.graphql.campaign.access import actor
from api.graphql.campaign.mutations.factory import updater
from api.graphql.scalars import JSON
from campaign.actions import worlds
from kernel.actor import Actor


class CreateWorldInput(graphene.InputObjectType):
    name = graphene.String(required=True)
    calendars = JSON(required=True)
    settings = JSON()


class UpdateWorldInput(graphene.InputObjectType):
    name = graphene.String()
    calendars = JSON()
    settings = JSON()
    expected_version = graphene.Float()


def create_world(root: None, info: ResolveInfo, input: dict[str, Any]) -> Any:
    return worlds.create_world(actor(info), data=dict(input))


update_world = updater("world_id", worlds.update_world)


def delete_world(who: Actor, *, instance: Any) -> Any:
    return worlds.delete_world(who, world_id=instance.pk)
