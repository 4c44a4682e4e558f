"""Every scenario of the graphql-transport-ws conformance file (vendored from the peers' data,
derived from graphql-ws's PROTOCOL.md) against our protocol consumer: in-process through Channels,
and over the network against a daphne process."""

import pytest

from tests.realtime import conformance_app, scenarios
from tests.realtime.servers import daphne
from tests.realtime.sockets import CommunicatorSocket, NetworkSocket

SUBPROTOCOLS = [scenarios.CONFORMANCE["subprotocol"]]
# Queries run as ``POST /graphql`` runs them, in a thread with its own database connection.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.mark.parametrize("name", sorted(scenarios.SCENARIOS))
async def test_scenario_over_channels(name: str) -> None:
    socket = CommunicatorSocket(conformance_app.application, "/graphql", SUBPROTOCOLS)
    await socket.open()

    await scenarios.run(socket, name)

    await socket.close()


async def test_every_scenario_over_a_daphne_process() -> None:
    with daphne("tests.realtime.conformance_app:application") as server:
        for name in sorted(scenarios.SCENARIOS):
            socket = NetworkSocket(f"ws://{server.address}/graphql", SUBPROTOCOLS)
            await socket.open()
            try:
                await scenarios.run(socket, name)
            finally:
                await socket.close()


async def test_a_client_without_the_subprotocol_is_refused_with_4406() -> None:
    socket = CommunicatorSocket(conformance_app.application, "/graphql", ["graphql-ws"])
    await socket.open()

    with pytest.raises(scenarios.Closed) as closed:
        await socket.receive_text(5)

    assert closed.value.code == 4406


async def test_a_frame_over_the_size_limit_closes_with_1009() -> None:
    socket = CommunicatorSocket(conformance_app.application, "/graphql", SUBPROTOCOLS)
    await socket.open()

    await socket.send_text("x" * (conformance_app.ConformanceConsumer.max_message_chars + 1))

    with pytest.raises(scenarios.Closed) as closed:
        await socket.receive_text(5)
    assert closed.value.code == 1009


async def test_operations_beyond_the_limit_get_an_error_and_the_socket_stays(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.setattr(conformance_app.ConformanceConsumer, "max_operations", 1)
    socket = CommunicatorSocket(conformance_app.application, "/graphql", SUBPROTOCOLS)
    await socket.open()
    await socket.send_json({"type": "connection_init"})
    await socket.receive_json()

    forever = {"query": "subscription { forever }"}
    await socket.send_json({"id": "a", "type": "subscribe", "payload": forever})
    await socket.send_json({"id": "b", "type": "subscribe", "payload": forever})

    refused = await socket.receive_json()
    assert refused["id"] == "b"
    assert refused["type"] == "error"
    assert refused["payload"] == [{"message": "At most 1 operations at once"}]
    await socket.send_json({"type": "ping"})
    assert await socket.receive_json() == {"type": "pong"}
    await socket.close()
