"""The Socket.IO rooms protocol at ``/socket.io/``, for the SPA's socket.io-client v4
(Engine.IO 4 / Socket.IO 5), as a Channels consumer whose rooms are Channels groups.

Packets are read and written with python-engineio's and python-socketio's own packet classes,
so the wire format is theirs rather than a codec of ours; python-socketio's server is not used
because its rooms live in its own manager (or a Redis pub/sub of its own), while ours are the
channel layer's groups that ``realtime.publish`` feeds. Only the websocket transport is served
(socket.io-client tries it first); long-polling is answered with Engine.IO's "Transport unknown".

A namespace (``/`` or ``/graphql``) is joined with ``auth.token`` in its connect packet. The
client's ``subscribe_campaign`` / ``_settlement`` / ``_structure`` (and ``unsubscribe_*``)
events are acknowledged with ``{success: true}`` or ``{success: false, error}``; a room is
joined only when the user may read its campaign. Events go out under their type
(``settlement_updated``…) with the whole event as data, once per namespace however many of its
rooms they were sent to.
"""

import asyncio
import datetime
import logging
import secrets
import uuid
from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qs

import engineio.packet as eio
import socketio.packet as sio
from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from django.utils import timezone

from api.websocket import access, background
from api.websocket.rooms import Rooms
from kernel.actor import Actor
from kernel.errors import DomainError
from observability import metrics
from realtime.publish import room

logger = logging.getLogger(__name__)

NAMESPACES = ("/", "/graphql")
# The label of its connections and rooms in /metrics.
PROTOCOL = "socket.io"
SUBSCRIBE, UNSUBSCRIBE = "subscribe_", "unsubscribe_"


@dataclass
class Namespace:
    actor: Actor
    # group → the campaign whose members may hear it
    groups: dict[str, str] = field(default_factory=dict)
    expiry: asyncio.Task[None] | None = None


class SocketIOConsumer(AsyncWebsocketConsumer):  # type: ignore[misc]
    ping_interval = 25.0
    ping_timeout = 20.0
    max_payload = 64 * 1024
    max_rooms = 200

    async def connect(self) -> None:
        query = parse_qs(self.scope.get("query_string", b"").decode())
        if query.get("EIO") != ["4"] or query.get("transport") != ["websocket"]:
            # Engine.IO 3 clients and other transports: refused at the handshake.
            await self.close()
            return
        self.namespaces: dict[str, Namespace] = {}
        self.rooms = Rooms(self.channel_layer, self.channel_name, PROTOCOL)
        self.awaiting_pong = False
        self.closing = False
        await self.accept()
        metrics.websocket_opened(PROTOCOL)
        self.counted = True
        handshake = {
            "sid": secrets.token_urlsafe(15),
            "upgrades": [],
            "pingInterval": int(self.ping_interval * 1000),
            "pingTimeout": int(self.ping_timeout * 1000),
            "maxPayload": self.max_payload,
        }
        await self.send_engine(eio.Packet(eio.OPEN, handshake))
        self.heartbeat = asyncio.create_task(self.ping_until_silent())

    async def disconnect(self, code: int) -> None:
        if getattr(self, "counted", False):
            metrics.websocket_closed(PROTOCOL, by_client=not self.closing)
            self.counted = False
        self.closing = True
        if hasattr(self, "heartbeat"):
            expiries = [ns.expiry for ns in self.namespaces.values() if ns.expiry is not None]
            await background.stop([self.heartbeat, *expiries])
            await self.rooms.leave_all()

    async def shut(self, code: int = 1000) -> None:
        if not self.closing:
            self.closing = True
            await self.close(code)

    async def ping_until_silent(self) -> None:
        """Engine.IO 4: the server pings, and a client that does not answer in time is gone."""
        while True:
            await asyncio.sleep(self.ping_interval)
            self.awaiting_pong = True
            await self.send_engine(eio.Packet(eio.PING))
            await asyncio.sleep(self.ping_timeout)
            if self.awaiting_pong:
                await self.shut()
                return

    async def send_engine(self, packet: eio.Packet) -> None:
        if not self.closing:
            await self.send(text_data=packet.encode())

    async def send_socket(self, packet: sio.Packet) -> None:
        await self.send_engine(eio.Packet(eio.MESSAGE, packet.encode()))

    # --- incoming -----------------------------------------------------------------------------

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        if self.closing:
            return
        if text_data is None or len(text_data) > self.max_payload:
            # Binary attachments are not part of this protocol; oversized frames are refused.
            await self.shut(1009 if text_data is not None else 1003)
            return
        try:
            packet = eio.Packet(encoded_packet=text_data)
            if packet.packet_type == eio.PONG:
                self.awaiting_pong = False
            elif packet.packet_type == eio.PING:
                await self.send_engine(eio.Packet(eio.PONG, packet.data))
            elif packet.packet_type == eio.CLOSE:
                await self.shut()
            elif packet.packet_type == eio.MESSAGE:
                await self.on_message(sio.Packet(encoded_packet=packet.data))
        except (ValueError, TypeError, IndexError, AttributeError):
            logger.info("Malformed Socket.IO frame closed its socket")
            await self.shut(1003)

    async def on_message(self, packet: sio.Packet) -> None:
        name = packet.namespace or "/"
        if packet.packet_type == sio.CONNECT:
            await self.connect_namespace(name, packet.data)
        elif packet.packet_type == sio.DISCONNECT:
            await self.leave_namespace(name)
        elif packet.packet_type == sio.EVENT and name in self.namespaces:
            await self.on_event(name, packet.data, packet.id)
        elif packet.packet_type in (sio.BINARY_EVENT, sio.BINARY_ACK):
            await self.shut(1003)

    async def connect_namespace(self, name: str, auth: object) -> None:
        def refuse(message: str) -> sio.Packet:
            return sio.Packet(sio.CONNECT_ERROR, {"message": message}, namespace=name)

        if name not in NAMESPACES:
            await self.send_socket(refuse("Invalid namespace"))
            return
        token = auth.get("token") if isinstance(auth, dict) else None
        try:
            session = await database_sync_to_async(access.session_for_token)(token)
        except DomainError as error:
            await self.send_socket(refuse(error.message))
            return
        await self.leave_namespace(name)
        namespace = Namespace(session.actor)
        namespace.expiry = asyncio.create_task(self.expire(name, session.expires_at))
        self.namespaces[name] = namespace
        await self.send_socket(
            sio.Packet(sio.CONNECT, {"sid": secrets.token_urlsafe(15)}, namespace=name)
        )

    async def expire(self, name: str, moment: datetime.datetime) -> None:
        await asyncio.sleep(max((moment - timezone.now()).total_seconds(), 0))
        await self.disconnect_namespace(name)

    async def disconnect_namespace(self, name: str) -> None:
        """Server-side disconnect: the client sees "io server disconnect" and must sign in again."""
        await self.send_socket(sio.Packet(sio.DISCONNECT, namespace=name))
        await self.leave_namespace(name)

    async def leave_namespace(self, name: str) -> None:
        namespace = self.namespaces.pop(name, None)
        if namespace is None:
            return
        if namespace.expiry is not None:
            await background.stop([namespace.expiry])
        for group in namespace.groups:
            await self.rooms.leave(group)

    async def on_event(self, name: str, data: object, ack_id: int | None) -> None:
        if not isinstance(data, list) or not data or not isinstance(data[0], str):
            answer: dict[str, Any] = {"success": False, "error": "An event is [name, data]"}
        else:
            answer = await self.room_request(self.namespaces[name], data[0], data[1:])
        if ack_id is not None:
            await self.send_socket(sio.Packet(sio.ACK, [answer], namespace=name, id=ack_id))

    async def room_request(
        self, namespace: Namespace, event: str, args: list[object]
    ) -> dict[str, Any]:
        verb, _, kind = event.partition("_")
        if event.startswith((SUBSCRIBE, UNSUBSCRIBE)) and kind in access.ROOM_KINDS:
            body = args[0] if args and isinstance(args[0], dict) else {}
            # The SPA sends {type, campaignId}; the original server read {entityId}.
            entity_id = body.get(access.ROOM_KINDS[kind], body.get("entityId"))
            try:
                if verb == "subscribe":
                    await self.join(namespace, kind, entity_id)
                else:
                    await self.leave(namespace, kind, entity_id)
            except DomainError as error:
                return {"success": False, "error": error.message}
            return {"success": True}
        return {"success": False, "error": f"Unknown event {event!r}"}

    async def join(self, namespace: Namespace, kind: str, entity_id: object) -> None:
        if len(namespace.groups) >= self.max_rooms:
            raise DomainError(f"At most {self.max_rooms} rooms per connection")
        granted = await database_sync_to_async(access.room_for)(namespace.actor, kind, entity_id)
        if granted.group not in namespace.groups:
            namespace.groups[granted.group] = granted.campaign_id
            await self.rooms.join(granted.group, granted.campaign_id)

    async def leave(self, namespace: Namespace, kind: str, entity_id: object) -> None:
        try:
            group = room(kind, uuid.UUID(str(entity_id)))
        except ValueError as exc:
            raise DomainError(f"{access.ROOM_KINDS[kind]} is not an id") from exc
        if namespace.groups.pop(group, None) is not None:
            await self.rooms.leave(group)

    # --- events from the channel layer --------------------------------------------------------

    async def room_event(self, message: dict[str, Any]) -> None:
        event = message["event"]
        if not self.rooms.first_delivery(event):
            return
        rooms = set(message.get("rooms") or ())
        for name, namespace in list(self.namespaces.items()):
            if rooms & namespace.groups.keys():
                await self.send_socket(
                    sio.Packet(sio.EVENT, [event["type"], event], namespace=name)
                )
        campaign_id = self.rooms.revoked_campaign(event)
        if campaign_id is not None:
            await self.recheck(campaign_id)

    async def recheck(self, campaign_id: str) -> None:
        for name, namespace in list(self.namespaces.items()):
            if campaign_id in namespace.groups.values() and not await database_sync_to_async(
                access.still_reads
            )(namespace.actor, campaign_id):
                await self.disconnect_namespace(name)
