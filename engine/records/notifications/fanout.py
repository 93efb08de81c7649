"""The hook of every write transaction (engine.persistence.db.Database, wired in engine.context): before
it commits, the audit events it recorded become notifications, so a change and the messages about it
commit together or not at all (docs/notifications.md#outbox)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from engine.persistence import AuditEvent
from engine.records.notifications.from_events import HANDLERS, Batch

RECORDED = "recorded_events"


def remember(session: Session, event: AuditEvent) -> None:
    """Called by engine.records.audit.record for every event it appends."""
    if event.action in HANDLERS:
        session.info.setdefault(RECORDED, []).append(event)


def fan_out(session: Session) -> None:
    events: list[AuditEvent] = session.info.pop(RECORDED, [])
    # An event recorded inside a savepoint that rolled back (a timer that failed) left the session with it.
    live = [event for event in events if event in session]
    if not live:
        return
    batch = Batch(live)
    for action, handler in HANDLERS.items():
        for event in live:
            if event.action == action:
                handler(session, event, batch)
    session.flush()
