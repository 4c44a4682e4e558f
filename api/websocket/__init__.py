"""The WebSocket edge: GraphQL subscriptions over graphql-transport-ws and the Socket.IO rooms
protocol, both fed by the events of ``realtime.publish`` (docs/realtime.md)."""
