"""GraphQL over WebSocket with the ``graphql-transport-ws`` sub-protocol (graphql-ws's
PROTOCOL.md, vendored in tests/fixtures/graphql-transport-ws/): what Apollo's ``GraphQLWsLink``
speaks at ``/graphql``.

The consumer is the protocol: connection_init and its acknowledgement (with authentication), ping
and pong, subscribe / next / error / complete, and the protocol's close codes. Queries run in a
worker thread as ``POST /graphql`` runs them; subscriptions are graphql-core async iterators fed
by the channel layer (``events``). Every operation runs in a task of its own, so a slow one never
holds up the socket's other messages or its events.
"""

import asyncio
import datetime
import json
import logging
from collections.abc import AsyncIterator, Callable, Coroutine
from enum import IntEnum
from typing import Any

from channels.db import database_sync_to_async
from channels.generic.websocket import AsyncWebsocketConsumer
from django.utils import timezone
from graphql import (
    DocumentNode,
    ExecutionResult,
    GraphQLSchema,
    OperationType,
    execute,
    get_operation_ast,
    subscribe,
)

from api.graphql.errors import format_error, request_error
from api.graphql.execution import ExecutionContext
from api.graphql.text_inputs import refused_variables
from api.graphql.view import cached_check_document
from api.websocket import access, background
from api.websocket.rooms import Rooms
from kernel.actor import Actor
from kernel.errors import DomainError
from observability import metrics

logger = logging.getLogger(__name__)

SUBPROTOCOL = "graphql-transport-ws"


class CloseCode(IntEnum):
    BAD_REQUEST = 4400
    UNAUTHORIZED = 4401
    FORBIDDEN = 4403
    SUBPROTOCOL_NOT_ACCEPTABLE = 4406
    CONNECTION_INITIALISATION_TIMEOUT = 4408
    SUBSCRIBER_ALREADY_EXISTS = 4409
    TOO_MANY_INITIALISATION_REQUESTS = 4429
    # RFC 6455's: a frame over the size limit; a client too slow to take its events.
    MESSAGE_TOO_BIG = 1009
    TRY_AGAIN_LATER = 1013


class ProtocolError(Exception):
    def __init__(self, code: CloseCode, reason: str) -> None:
        super().__init__(reason)
        self.code = code
        self.reason = reason


class SocketContext:
    """What resolvers see as ``info.context`` over a socket: the actor, DataLoaders for one
    operation, and the socket's events (``events``) for subscriptions."""

    def __init__(
        self,
        actor: Actor,
        events: Callable[[access.Room], AsyncIterator[dict[str, Any]]],
    ) -> None:
        self.actor = actor
        self.user = actor.user
        self.loaders: dict[str, Any] = {}
        self.events = events


class GraphQLTransportWSConsumer(AsyncWebsocketConsumer):  # type: ignore[misc]
    # The schema is given by the route (``as_asgi(schema=…)``): the API layer does not import
    # the root schema.
    # connection_init must arrive within this many seconds.
    init_timeout = 10.0
    # Anonymous sockets are refused unless a subclass serves a schema that needs no user.
    require_authentication = True
    max_message_chars = 64 * 1024
    max_operations = 100
    # Events waiting for a slow client, per subscription, before it is closed.
    max_queued_events = 1000

    def __init__(self, *, schema: GraphQLSchema) -> None:
        super().__init__()
        self.schema = schema

    async def connect(self) -> None:
        self.acknowledged = False
        self.init_received = False
        self.closing = False
        self.actor = Actor(None)
        self.operations: dict[str, asyncio.Task[None]] = {}
        self.listeners: list[tuple[str, asyncio.Queue[dict[str, Any]]]] = []
        self.rooms = Rooms(self.channel_layer, self.channel_name, SUBPROTOCOL)
        self.counted = False
        # Timers and re-checks, held until done (the event loop keeps only weak references).
        self.timers: set[asyncio.Task[None]] = set()
        if SUBPROTOCOL not in self.scope.get("subprotocols", []):
            await self.accept()
            await self.close_with(
                CloseCode.SUBPROTOCOL_NOT_ACCEPTABLE, "Subprotocol not acceptable"
            )
            return
        await self.accept(SUBPROTOCOL)
        metrics.websocket_opened(SUBPROTOCOL)
        self.counted = True
        self.start(
            self.close_after(
                self.init_timeout,
                CloseCode.CONNECTION_INITIALISATION_TIMEOUT,
                "Connection initialisation timeout",
                unless=lambda: self.init_received,
            )
        )

    def start(self, work: Coroutine[Any, Any, None]) -> None:
        task = asyncio.create_task(work)
        self.timers.add(task)
        task.add_done_callback(self.timers.discard)

    async def disconnect(self, code: int) -> None:
        if getattr(self, "counted", False):
            metrics.websocket_closed(SUBPROTOCOL, by_client=not self.closing)
            self.counted = False
        self.closing = True
        tasks = [*self.timers, *self.operations.values()]
        self.operations.clear()
        await background.stop(tasks)
        await self.rooms.leave_all()

    async def close_with(self, code: CloseCode, reason: str) -> None:
        if not self.closing:
            self.closing = True
            await self.close(code=int(code), reason=reason)

    async def close_after(
        self, seconds: float, code: CloseCode, reason: str, unless: Callable[[], bool]
    ) -> None:
        await asyncio.sleep(seconds)
        if not unless():
            await self.close_with(code, reason)

    async def send_json(self, message: dict[str, Any]) -> None:
        if not self.closing:
            await self.send(text_data=json.dumps(message))

    # --- incoming messages ----------------------------------------------------------------

    async def receive(self, text_data: str | None = None, bytes_data: bytes | None = None) -> None:
        if self.closing:
            return
        try:
            await self.handle(self.parse(text_data, bytes_data))
        except ProtocolError as error:
            await self.close_with(error.code, error.reason)

    def parse(self, text_data: str | None, bytes_data: bytes | None) -> dict[str, Any]:
        if text_data is None:
            raise ProtocolError(CloseCode.BAD_REQUEST, "Messages are JSON text frames")
        if len(text_data) > self.max_message_chars:
            raise ProtocolError(CloseCode.MESSAGE_TOO_BIG, "Message too big")
        try:
            message = json.loads(text_data)
        except (ValueError, RecursionError) as exc:
            raise ProtocolError(CloseCode.BAD_REQUEST, "Invalid message received") from exc
        if not isinstance(message, dict) or not isinstance(message.get("type"), str):
            raise ProtocolError(CloseCode.BAD_REQUEST, "Invalid message received")
        return message

    async def handle(self, message: dict[str, Any]) -> None:
        kind = message["type"]
        if kind == "connection_init":
            await self.on_init(message.get("payload"))
        elif kind == "ping":
            await self.send_json({"type": "pong"})
        elif kind == "pong":
            pass
        elif kind == "subscribe":
            await self.on_subscribe(message)
        elif kind == "complete":
            task = self.operations.pop(self.operation_id(message), None)
            if task is not None:
                task.cancel()
        else:
            raise ProtocolError(CloseCode.BAD_REQUEST, f"Unknown message type {kind!r}")

    async def on_init(self, payload: object) -> None:
        if self.init_received:
            raise ProtocolError(
                CloseCode.TOO_MANY_INITIALISATION_REQUESTS, "Too many initialisation requests"
            )
        self.init_received = True
        if payload is not None and not isinstance(payload, dict):
            raise ProtocolError(CloseCode.BAD_REQUEST, "The connection_init payload is an object")
        try:
            await self.authenticate(payload or {})
        except DomainError as error:
            raise ProtocolError(CloseCode.FORBIDDEN, f"Forbidden: {error.message}") from error
        self.acknowledged = True
        await self.send_json({"type": "connection_ack"})

    async def authenticate(self, payload: dict[str, Any]) -> None:
        """Take the user from ``{"authorization": "Bearer <token>"}`` and close the socket when
        the token expires."""
        authorization = next(
            (value for key, value in payload.items() if key.lower() == "authorization"), None
        )
        if authorization is None and not self.require_authentication:
            return
        session = await database_sync_to_async(access.session_for_authorization)(authorization)
        self.actor = session.actor
        self.start(self.expire_at(session.expires_at))

    async def expire_at(self, moment: datetime.datetime) -> None:
        await asyncio.sleep(max((moment - timezone.now()).total_seconds(), 0))
        await self.close_with(CloseCode.FORBIDDEN, "Forbidden: the access token expired")

    @staticmethod
    def operation_id(message: dict[str, Any]) -> str:
        operation_id = message.get("id")
        if not isinstance(operation_id, str) or not operation_id:
            raise ProtocolError(CloseCode.BAD_REQUEST, "The message needs a non-empty id")
        return operation_id

    async def on_subscribe(self, message: dict[str, Any]) -> None:
        if not self.acknowledged:
            raise ProtocolError(CloseCode.UNAUTHORIZED, "Unauthorized")
        operation_id = self.operation_id(message)
        payload = message.get("payload")
        if not isinstance(payload, dict) or not isinstance(payload.get("query"), str):
            raise ProtocolError(CloseCode.BAD_REQUEST, "subscribe needs payload.query")
        variables = payload.get("variables")
        operation_name = payload.get("operationName")
        if variables is not None and not isinstance(variables, dict):
            raise ProtocolError(CloseCode.BAD_REQUEST, "payload.variables is an object")
        if operation_name is not None and not isinstance(operation_name, str):
            raise ProtocolError(CloseCode.BAD_REQUEST, "payload.operationName is a string")
        if operation_id in self.operations:
            raise ProtocolError(
                CloseCode.SUBSCRIBER_ALREADY_EXISTS, f"Subscriber for {operation_id} already exists"
            )
        if len(self.operations) >= self.max_operations:
            await self.send_errors(
                operation_id, [{"message": f"At most {self.max_operations} operations at once"}]
            )
            return
        self.operations[operation_id] = asyncio.create_task(
            self.run(operation_id, payload["query"], variables, operation_name)
        )

    # --- operations ---------------------------------------------------------------------------

    async def run(
        self,
        operation_id: str,
        query: str,
        variables: dict[str, Any] | None,
        operation_name: str | None,
    ) -> None:
        try:
            await self.execute(operation_id, query, variables, operation_name)
        except asyncio.CancelledError:
            raise
        except Exception:
            logger.exception("GraphQL operation %s failed over WebSocket", operation_id)
            await self.send_errors(operation_id, [{"message": "Internal server error"}])
        finally:
            if self.operations.get(operation_id) is asyncio.current_task():
                del self.operations[operation_id]

    async def execute(
        self,
        operation_id: str,
        query: str,
        variables: dict[str, Any] | None,
        operation_name: str | None,
    ) -> None:
        document, errors = cached_check_document(self.schema, query)
        if errors or document is None:
            await self.send_errors(operation_id, [format_error(e) for e in errors])
            return
        operation = get_operation_ast(document, operation_name)
        if operation is None:
            await self.send_errors(operation_id, [{"message": "Unknown operation"}])
            return
        refused = refused_variables(self.schema, document, operation, variables)
        if refused:
            await self.send_errors(operation_id, [format_error(e) for e in refused])
            return
        if operation.operation == OperationType.MUTATION:
            # Mutations write the client's address into the audit trail from the HTTP request.
            await self.send_errors(
                operation_id, [request_error("Send mutations with POST /graphql")]
            )
            return
        context = SocketContext(self.actor, self.events)
        if operation.operation == OperationType.SUBSCRIPTION:
            await self.stream(operation_id, document, variables, operation_name, context)
            return
        result = await self.execute_query(document, variables, operation_name, context)
        await self.send_next(operation_id, result)
        await self.send_json({"id": operation_id, "type": "complete"})

    async def execute_query(
        self,
        document: DocumentNode,
        variables: dict[str, Any] | None,
        operation_name: str | None,
        context: SocketContext,
    ) -> ExecutionResult:
        def run_query() -> ExecutionResult:
            return execute(  # type: ignore[return-value]
                self.schema,
                document,
                context_value=context,
                variable_values=variables,
                operation_name=operation_name,
                execution_context_class=ExecutionContext,
            )

        return await database_sync_to_async(run_query)()

    async def stream(
        self,
        operation_id: str,
        document: DocumentNode,
        variables: dict[str, Any] | None,
        operation_name: str | None,
        context: SocketContext,
    ) -> None:
        results = await subscribe(
            self.schema,
            document,
            context_value=context,
            variable_values=variables,
            operation_name=operation_name,
        )
        if isinstance(results, ExecutionResult):
            # Refused before the stream started (e.g. not allowed to see the entity).
            await self.send_errors(operation_id, [format_error(e) for e in results.errors or []])
            return
        try:
            async for result in results:
                await self.send_next(operation_id, result)
        finally:
            await results.aclose()  # type: ignore[attr-defined]
        await self.send_json({"id": operation_id, "type": "complete"})

    async def send_next(self, operation_id: str, result: ExecutionResult) -> None:
        payload: dict[str, Any] = {"data": result.data}
        if result.errors:
            payload["errors"] = [format_error(e) for e in result.errors]
        await self.send_json({"id": operation_id, "type": "next", "payload": payload})

    async def send_errors(self, operation_id: str, errors: list[dict[str, Any]]) -> None:
        await self.send_json({"id": operation_id, "type": "error", "payload": errors})

    # --- events -------------------------------------------------------------------------------

    async def events(self, room: access.Room) -> AsyncIterator[dict[str, Any]]:
        """The events published to ``room`` from now until the subscription ends."""
        queue: asyncio.Queue[dict[str, Any]] = asyncio.Queue(self.max_queued_events)
        listener = (room.group, queue)
        self.listeners.append(listener)
        await self.rooms.join(room.group, room.campaign_id)
        try:
            while True:
                yield await queue.get()
        finally:
            self.listeners.remove(listener)
            await self.rooms.leave(room.group)

    async def room_event(self, message: dict[str, Any]) -> None:
        """A ``realtime.publish`` event for one of this socket's groups."""
        event = message["event"]
        if not self.rooms.first_delivery(event):
            return
        rooms = set(message.get("rooms") or ())
        for group, queue in self.listeners:
            if group in rooms:
                try:
                    queue.put_nowait(event)
                except asyncio.QueueFull:
                    await self.close_with(CloseCode.TRY_AGAIN_LATER, "Too slow to receive events")
                    return
        campaign_id = self.rooms.revoked_campaign(event)
        if campaign_id is not None:
            self.start(self.recheck(campaign_id))

    async def recheck(self, campaign_id: str) -> None:
        if not await database_sync_to_async(access.still_reads)(self.actor, campaign_id):
            await self.close_with(CloseCode.FORBIDDEN, "Forbidden: no longer a campaign member")
