"""Real-time figures against real daphne processes on PostgreSQL and Redis:

1. commit → client latency of a Socket.IO event, p50/p99, with the mutation served by the
   client's own process and by another replica (two daphne processes on one Redis channel layer),
   against the baseline of the same mutation's HTTP round trip;
2. 1,000 concurrent Socket.IO sockets on one process, each in its campaign's room: resident
   memory per socket, and how long one event takes to reach all of them.

Run from the repository root with PostgreSQL and Redis configured (``DATABASE_URL``,
``REDIS_URL``, ``REDIS_*_DB``): ``.venv/bin/python -m tests.benchmarks.bench_realtime``. It
builds a throwaway test database and prints figures, no verdicts.
"""

import asyncio
import datetime
import sys
import time
from pathlib import Path
from typing import Any

from tests.benchmarks.harness import throwaway_databases  # first: it sets Django up

# isort: split
import aiohttp
import engineio.packet as eio
import socketio.packet as sio
from django.conf import settings
from django.db import connection

from tests.realtime.processes import EventClient, database_env, rename_settlement
from tests.realtime.servers import daphne

APP = "config.asgi:application"
MUTATIONS = 200
SOCKETS = 1000


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(share * len(ordered)))]


def describe(label: str, values: list[float]) -> str:
    return (
        f"{label:<44} p50 {percentile(values, 0.5):7.2f} ms"
        f"   p99 {percentile(values, 0.99):7.2f} ms   (n={len(values)})"
    )


def since_event(event: dict[str, Any]) -> float:
    """Milliseconds from the event's timestamp (taken in the action, just before its commit)."""
    made = datetime.datetime.fromisoformat(event["timestamp"].replace("Z", "+00:00"))
    return (datetime.datetime.now(datetime.UTC) - made).total_seconds() * 1000


def seed() -> dict[str, Any]:
    from campaign.actions import campaigns, kingdoms, settlements, worlds
    from campaign.auth import tokens
    from campaign.models import Location, User
    from kernel.actor import Actor

    owner = User.objects.create_user("bench@example.com", "bench-password-123")
    actor = Actor(owner)
    world = worlds.create_world(actor, data={"name": "Bench world"})
    campaign = campaigns.create_campaign(actor, world_id=world.pk, data={"name": "Bench"})
    kingdom = kingdoms.create_kingdom(actor, campaign_id=campaign.pk, data={"name": "Brevoy"})
    location = Location.objects.create(world=world, type="point", name="Restov")
    settlement = settlements.create_settlement(
        actor,
        kingdom_id=kingdom.uid,
        data={"name": "Restov", "location_id": str(location.pk)},
    )
    return {
        "token": tokens.issue_access_token(owner),
        "campaign_id": str(campaign.pk),
        "settlement_id": str(settlement.uid),
    }


async def latencies(listening: str, serving: str, scene: dict[str, Any]) -> tuple[list[float], ...]:
    client = EventClient()
    await client.connect(listening, scene["token"])
    await client.subscribe("campaign", scene["campaign_id"])
    to_client, round_trips, request_to_client = [], [], []
    for number in range(MUTATIONS):
        began = time.perf_counter()
        await rename_settlement(serving, scene["token"], scene["settlement_id"], f"Restov {number}")
        round_trips.append((time.perf_counter() - began) * 1000)
        _, event = await client.next_event()
        to_client.append(since_event(event))
        request_to_client.append((time.perf_counter() - began) * 1000)
    await client.close()
    return to_client, request_to_client, round_trips


def rss_kib(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise RuntimeError("no VmRSS")


async def raw_socket(
    session: aiohttp.ClientSession, address: str, scene: dict[str, Any]
) -> aiohttp.ClientWebSocketResponse:
    """A socket.io-client's first packets, on a bare WebSocket (cheaper than 1,000 clients)."""
    ws = await session.ws_connect(f"ws://{address}/socket.io/?EIO=4&transport=websocket")
    await ws.receive()  # Engine.IO open
    connect = sio.Packet(sio.CONNECT, {"token": scene["token"]}, namespace="/graphql")
    await ws.send_str(eio.Packet(eio.MESSAGE, connect.encode()).encode())
    await ws.receive()  # Socket.IO connect
    subscribe = sio.Packet(
        sio.EVENT,
        ["subscribe_campaign", {"campaignId": scene["campaign_id"]}],
        namespace="/graphql",
        id=1,
    )
    await ws.send_str(eio.Packet(eio.MESSAGE, subscribe.encode()).encode())
    await ws.receive()  # the ack
    return ws


async def next_event_ms(ws: aiohttp.ClientWebSocketResponse) -> float:
    while True:
        message = await ws.receive(timeout=60)
        packet = eio.Packet(encoded_packet=message.data)
        if packet.packet_type == eio.PING:
            await ws.send_str(eio.Packet(eio.PONG).encode())
            continue
        message_packet = sio.Packet(encoded_packet=packet.data)
        if message_packet.packet_type != sio.EVENT:
            continue  # a namespace's CONNECT answer can arrive after the first event was sent
        _, event = message_packet.data
        return since_event(event)


async def many_sockets(address: str, pid: int, scene: dict[str, Any]) -> None:
    connector = aiohttp.TCPConnector(limit=0)
    async with aiohttp.ClientSession(connector=connector) as session:
        before = rss_kib(pid)
        sockets = []
        for start in range(0, SOCKETS, 100):
            sockets += await asyncio.gather(
                *(
                    raw_socket(session, address, scene)
                    for _ in range(start, min(start + 100, SOCKETS))
                )
            )
        await asyncio.sleep(1)
        after = rss_kib(pid)
        arrivals = asyncio.gather(*(next_event_ms(ws) for ws in sockets))
        await rename_settlement(address, scene["token"], scene["settlement_id"], "Restov, again")
        times = await arrivals
        print(
            f"{SOCKETS} sockets on one process: RSS {before / 1024:.1f} MiB"
            f" -> {after / 1024:.1f} MiB, {(after - before) / SOCKETS:.1f} KiB per socket"
        )
        print(describe(f"one event to all {SOCKETS} sockets", times))
        await asyncio.gather(*(ws.close() for ws in sockets))


def main() -> None:
    if connection.vendor != "postgresql" or not settings.REDIS_URL:
        sys.exit("Set DATABASE_URL (PostgreSQL) and REDIS_URL: the servers share them")
    with throwaway_databases():
        scene = seed()
        env = database_env()
        with daphne(APP, env) as one, daphne(APP, env) as other:
            same, same_request, round_trip = asyncio.run(latencies(one.address, one.address, scene))
            across, across_request, across_round_trip = asyncio.run(
                latencies(one.address, other.address, scene)
            )
        print(describe("baseline: mutation HTTP round trip", round_trip))
        print(describe("commit -> client, same process", same))
        print(describe("request start -> client, same process", same_request))
        print(describe("commit -> client, across replicas", across))
        print(describe("request start -> client, across replicas", across_request))
        print(
            "ratio p99 commit->client / p99 round trip:"
            f" same {percentile(same, 0.99) / percentile(round_trip, 0.99):.2f},"
            f" across {percentile(across, 0.99) / percentile(across_round_trip, 0.99):.2f}"
        )
        with daphne(APP, env) as single:
            asyncio.run(many_sockets(single.address, single.pid, scene))


if __name__ == "__main__":
    main()
