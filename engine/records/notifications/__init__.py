"""Notifications (docs/notifications.md): written with the change that causes them, delivered by the worker.

- `outbox`: `send()` writes one message to users, in-app and, by their preferences, to the outbox.
- `fanout`: the hook every write transaction runs before it commits; it turns the audit events the
  transaction recorded into notifications (`from_events` says which events notify whom).
"""
