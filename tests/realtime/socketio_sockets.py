"""A Socket.IO client over an in-process WebsocketCommunicator, written with python-engineio's and
python-socketio's packet classes: what socket.io-client v4 sends, packet by packet."""

from typing import Any

import engineio.packet as eio
import socketio.packet as sio

from campaign.auth import tokens
from campaign.models import User
from config.asgi import application
from tests.realtime.sockets import CommunicatorSocket

PATH = "/socket.io/?EIO=4&transport=websocket"
NAMESPACE = "/graphql"


class SocketIOSocket:
    def __init__(self) -> None:
        self.socket = CommunicatorSocket(application, PATH, [])
        self.next_ack = 0

    async def open(self) -> dict[str, Any]:
        await self.socket.open()
        handshake = eio.Packet(encoded_packet=await self.socket.receive_text(5))
        assert handshake.packet_type == eio.OPEN
        data: dict[str, Any] = handshake.data
        return data

    async def send_packet(self, packet: sio.Packet) -> None:
        await self.socket.send_text(eio.Packet(eio.MESSAGE, packet.encode()).encode())

    async def receive_packet(self, timeout: float = 5) -> sio.Packet:
        while True:
            packet = eio.Packet(encoded_packet=await self.socket.receive_text(timeout))
            if packet.packet_type == eio.MESSAGE:
                return sio.Packet(encoded_packet=packet.data)

    async def connect(self, token: str | None, namespace: str = NAMESPACE) -> sio.Packet:
        auth = {"token": token} if token is not None else None
        await self.send_packet(sio.Packet(sio.CONNECT, auth, namespace=namespace))
        return await self.receive_packet()

    async def emit(self, event: str, data: Any, namespace: str = NAMESPACE) -> Any:
        """Emit with an acknowledgement and return what the server acknowledged."""
        self.next_ack += 1
        await self.send_packet(
            sio.Packet(sio.EVENT, [event, data], namespace=namespace, id=self.next_ack)
        )
        ack = await self.receive_packet()
        assert ack.packet_type == sio.ACK, ack.data
        assert ack.id == self.next_ack
        return ack.data[0]

    async def event(self, timeout: float = 5) -> tuple[str, dict[str, Any]]:
        packet = await self.receive_packet(timeout)
        assert packet.packet_type == sio.EVENT, (packet.packet_type, packet.data)
        name, data = packet.data
        return name, data

    async def nothing_within(self, timeout: float) -> bool:
        received = await self.socket.receive_within(timeout)
        return received is None

    async def close(self) -> None:
        await self.socket.close()


async def signed_in(user: User) -> SocketIOSocket:
    client = SocketIOSocket()
    await client.open()
    answer = await client.connect(tokens.issue_access_token(user))
    assert answer.packet_type == sio.CONNECT, answer.data
    return client
