"""The root Subscription type, served over WebSocket (``api/websocket/graphql_ws.py``):
``entityModified`` from the original contract and ``campaignEvents``, the campaign's real-time
events as Socket.IO clients receive them.

Both authorize when the client subscribes (a non-member gets NOT_FOUND, as for a query) and then
listen to the campaign's room: events reach them only after their change committed.
"""

from collections.abc import AsyncIterator
from typing import Any

import graphene
from channels.db import database_sync_to_async
from graphql import GraphQLResolveInfo

from api.graphql.scalars import JSON, DateTime
from api.websocket import access
from campaign.actions.announcements import EVENT_TYPES
from kernel.errors import ValidationError


class EntityModified(graphene.ObjectType):
    entity_id = graphene.ID(required=True)
    entity_type = graphene.String(required=True)
    modified_at = DateTime(required=True)
    modified_by = graphene.ID(required=True, description="The user, or 'system'.")
    version = graphene.Int(required=True)


class CampaignEvent(graphene.ObjectType):
    """One real-time event: ``type`` is one of entity_updated, settlement_updated,
    structure_updated, world_time_changed, state_invalidated (docs/realtime.md)."""

    event_id = graphene.ID(required=True)
    type = graphene.String(required=True)
    timestamp = DateTime(required=True)
    payload = JSON(required=True)
    metadata = JSON(required=True)


def _types(types: list[str] | None) -> set[str]:
    unknown = sorted(set(types or ()) - set(EVENT_TYPES))
    if unknown:
        raise ValidationError(
            f"types: unknown event types {', '.join(unknown)}; known are {', '.join(EVENT_TYPES)}",
            field="types",
        )
    return set(types or EVENT_TYPES)


class Subscription(graphene.ObjectType):
    entity_modified = graphene.Field(
        EntityModified, required=True, entity_id=graphene.ID(required=True)
    )
    campaign_events = graphene.Field(
        CampaignEvent,
        required=True,
        campaign_id=graphene.ID(required=True),
        types=graphene.List(graphene.NonNull(graphene.String)),
    )

    @staticmethod
    async def subscribe_entity_modified(
        _root: None, info: GraphQLResolveInfo, entity_id: str
    ) -> AsyncIterator[dict[str, Any]]:
        # Authorized before the stream is returned, so a refusal is the subscribe's error.
        context = info.context
        room, uid = await database_sync_to_async(access.entity_room)(context.actor, entity_id)
        return _entity_modified(context.events(room), uid)

    @staticmethod
    async def subscribe_campaign_events(
        _root: None, info: GraphQLResolveInfo, campaign_id: str, types: list[str] | None = None
    ) -> AsyncIterator[dict[str, Any]]:
        context = info.context
        wanted = _types(types)
        room = await database_sync_to_async(access.room_for)(context.actor, "campaign", campaign_id)
        return _campaign_events(context.events(room), wanted)


async def _entity_modified(
    events: AsyncIterator[dict[str, Any]], uid: str
) -> AsyncIterator[dict[str, Any]]:
    async for event in events:
        payload = event["payload"]
        if payload.get("entityId") == uid and payload.get("version") is not None:
            yield {
                "entity_id": uid,
                "entity_type": payload["entityType"],
                "modified_at": event["timestamp"],
                "modified_by": event["metadata"].get("actorId") or "system",
                "version": payload["version"],
            }


async def _campaign_events(
    events: AsyncIterator[dict[str, Any]], wanted: set[str]
) -> AsyncIterator[dict[str, Any]]:
    async for event in events:
        if event["type"] in wanted:
            yield {
                "event_id": event["eventId"],
                "type": event["type"],
                "timestamp": event["timestamp"],
                "payload": event["payload"],
                "metadata": event["metadata"],
            }
