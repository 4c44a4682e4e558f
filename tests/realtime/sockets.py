"""Two ways tests open a WebSocket: in-process through Channels' WebsocketCommunicator, and over
the network to a real server with aiohttp. Both read as ``scenarios.Socket``."""

import json
from typing import Any, ClassVar

import aiohttp
from channels.testing import WebsocketCommunicator

from tests.realtime.scenarios import Closed

ORIGIN = (b"origin", b"http://localhost")


class CommunicatorSocket:
    # Opened and not yet closed by the test: a test that fails midway, or ends on the server's
    # close, leaves its consumer running. tests/realtime/conftest.py disconnects these when the
    # test ends, so that no consumer is left to the event loop's teardown.
    unclosed: ClassVar[set["CommunicatorSocket"]] = set()

    def __init__(self, application: Any, path: str, subprotocols: list[str]) -> None:
        self.communicator = WebsocketCommunicator(
            application, path, headers=[ORIGIN], subprotocols=subprotocols
        )

    async def open(self) -> None:
        CommunicatorSocket.unclosed.add(self)
        connected, _ = await self.communicator.connect()
        assert connected

    async def send_text(self, text: str) -> None:
        await self.communicator.send_to(text_data=text)

    async def send_json(self, message: dict[str, Any]) -> None:
        await self.send_text(json.dumps(message))

    async def receive_text(self, timeout: float) -> str:
        output = await self.communicator.receive_output(timeout)
        if output["type"] == "websocket.close":
            raise Closed(output.get("code", 1000))
        text: str = output["text"]
        return text

    async def receive_within(self, timeout: float) -> str | None:
        # receive_output's timeout would cancel the application; receive_nothing does not.
        if await self.communicator.receive_nothing(timeout):
            return None
        return await self.receive_text(timeout)

    async def receive_json(self, timeout: float = 5) -> Any:
        return json.loads(await self.receive_text(timeout))

    async def close(self) -> None:
        CommunicatorSocket.unclosed.discard(self)
        await self.communicator.disconnect()

    @classmethod
    async def close_unclosed(cls) -> None:
        while cls.unclosed:
            socket = cls.unclosed.pop()
            # An application that already ended (it crashed, or a receive timed out and
            # cancelled it) has nothing left to disconnect; the test has seen why.
            if not socket.communicator.future.done():
                await socket.communicator.disconnect()


class NetworkSocket:
    def __init__(self, url: str, subprotocols: list[str]) -> None:
        self.url = url
        self.subprotocols = subprotocols

    async def open(self) -> None:
        self.session = aiohttp.ClientSession()
        self.ws = await self.session.ws_connect(
            self.url, protocols=self.subprotocols, autoping=True
        )

    async def send_text(self, text: str) -> None:
        await self.ws.send_str(text)

    async def send_json(self, message: dict[str, Any]) -> None:
        await self.send_text(json.dumps(message))

    async def receive_text(self, timeout: float) -> str:
        message = await self.ws.receive(timeout)
        if message.type == aiohttp.WSMsgType.CLOSE:
            raise Closed(message.data)
        if message.type == aiohttp.WSMsgType.CLOSED:
            raise Closed(self.ws.close_code or 1006)
        assert message.type == aiohttp.WSMsgType.TEXT, message
        text: str = message.data
        return text

    async def receive_within(self, timeout: float) -> str | None:
        try:
            return await self.receive_text(timeout)
        except TimeoutError:
            return None

    async def receive_json(self, timeout: float = 5) -> Any:
        return json.loads(await self.receive_text(timeout))

    async def close(self) -> None:
        await self.ws.close()
        await self.session.close()
