"""Who a socket speaks for and which rooms it may hear: the same tokens and campaign roles as
``POST /graphql``, checked when the socket authenticates and again for every room it asks for.

Synchronous (they query the database): consumers call them through ``database_sync_to_async``.
"""

import datetime
from dataclasses import dataclass

from campaign.actions import entities
from campaign.actions.kinds import KINDS, campaign_of
from campaign.auth import tokens
from campaign.models import Version
from campaign.permissions import READ
from kernel.actor import Actor
from kernel.errors import AuthenticationError, NotFound
from realtime.publish import room

# The rooms a client may ask for by name (Socket.IO), and the input field that holds the id.
ROOM_KINDS = {"campaign": "campaignId", "settlement": "settlementId", "structure": "structureId"}


@dataclass(frozen=True)
class Session:
    actor: Actor
    expires_at: datetime.datetime


@dataclass(frozen=True)
class Room:
    """A Channels group the actor may join, and the campaign whose members may hear it."""

    group: str
    campaign_id: str


def session_for_token(token: object) -> Session:
    if not isinstance(token, str) or not token.strip():
        raise AuthenticationError("An access token is required")
    token = token.strip()
    user = tokens.user_for_access_token(token)
    expires = tokens.decode_access_token(token)["exp"]
    return Session(Actor(user), datetime.datetime.fromtimestamp(expires, tz=datetime.UTC))


def session_for_authorization(value: object) -> Session:
    """``Bearer <token>``, as graphql-ws clients put it in ``connection_init``."""
    if not isinstance(value, str):
        raise AuthenticationError("connection_init needs {authorization: 'Bearer <token>'}")
    scheme, _, token = value.strip().partition(" ")
    if scheme.lower() != "bearer":
        raise AuthenticationError("The authorization must be 'Bearer <access token>'")
    return session_for_token(token)


def room_for(actor: Actor, kind: str, entity_id: object) -> Room:
    """The room of a campaign, settlement or structure the actor may read; NOT_FOUND otherwise,
    for a missing id and a hidden one alike."""
    field = ROOM_KINDS.get(kind)
    if field is None:
        raise NotFound(f"There is no {kind!r} room; rooms are {', '.join(ROOM_KINDS)}")
    instance = entities.load(actor, kind, entities.parse_id(entity_id, field), field=field)
    if kind == "campaign":
        return Room(room("campaign", instance.pk), str(instance.pk))
    return Room(room(kind, instance.uid), str(instance.branch.campaign_id))


def entity_room(actor: Actor, entity_id: object) -> tuple[Room, str]:
    """The campaign room that hears of the entity with this public id, and the entity's id, if
    the actor may read it (its kind is found from its history)."""
    uid = entities.parse_id(entity_id, "entityId")
    entity_type = (
        Version.objects.filter(entity_uid=uid).values_list("entity_type", flat=True).first()
    )
    if entity_type is None or entity_type not in KINDS:
        raise NotFound.entity("entity", entity_id, "entityId")
    instance = entities.load(actor, entity_type, uid, field="entityId")
    campaign = campaign_of(instance)
    if campaign is None:
        # World-scoped rows (worlds, locations) have no campaign room to hear them in.
        raise NotFound.entity("entity", entity_id, "entityId")
    return Room(room("campaign", campaign.pk), str(campaign.pk)), str(uid)


def still_reads(actor: Actor, campaign_id: str) -> bool:
    try:
        entities.load(actor, "campaign", campaign_id, minimum=READ)
    except (NotFound, AuthenticationError):
        return False
    return True
