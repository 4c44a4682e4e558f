"""Runs one scenario of tests/fixtures/graphql-transport-ws/conformance.json over any socket:
``Socket`` is what the scenario needs of a connection (Channels' WebsocketCommunicator in-process,
an aiohttp WebSocket against a daphne process)."""

import asyncio
import json
from pathlib import Path
from typing import Any, Protocol

import pytest

FIXTURE = Path(__file__).resolve().parents[1] / "fixtures" / "graphql-transport-ws"
CONFORMANCE = json.loads((FIXTURE / "conformance.json").read_text())
SCENARIOS = {scenario["name"]: scenario for scenario in CONFORMANCE["scenarios"]}
TIMEOUT = 5.0


class Closed(Exception):
    def __init__(self, code: int) -> None:
        super().__init__(code)
        self.code = code


class Socket(Protocol):
    async def send_text(self, text: str) -> None: ...

    async def receive_text(self, timeout: float) -> str:
        """The next text frame; raises Closed with the close code, TimeoutError when none."""
        ...

    async def receive_within(self, timeout: float) -> str | None:
        """The next text frame if one comes within ``timeout``, else None."""
        ...


def matches(expected: dict[str, Any], received: dict[str, Any]) -> bool:
    if any(received.get(key) != expected[key] for key in ("type", "id") if key in expected):
        return False
    if expected["type"] == "error":
        errors = received.get("payload")
        return isinstance(errors, list) and bool(errors) and all("message" in e for e in errors)
    return "payload" not in expected or received.get("payload") == expected["payload"]


async def run(socket: Socket, name: str) -> None:
    for step in SCENARIOS[name]["steps"]:
        if "send" in step:
            await socket.send_text(json.dumps(step["send"]))
        elif "send_raw" in step:
            await socket.send_text(step["send_raw"])
        elif "wait_ms" in step:
            await asyncio.sleep(step["wait_ms"] / 1000)
        elif "expect" in step:
            received = json.loads(await socket.receive_text(TIMEOUT))
            assert matches(step["expect"], received), (step, received)
        elif "expect_nothing_ms" in step:
            unexpected = await socket.receive_within(step["expect_nothing_ms"] / 1000)
            assert unexpected is None, f"{name}: expected nothing, got {unexpected}"
        elif "expect_close" in step:
            with pytest.raises(Closed) as closed:
                await socket.receive_text(TIMEOUT)
            assert closed.value.code == step["expect_close"], name
        else:
            raise AssertionError(f"unknown step {step}")
