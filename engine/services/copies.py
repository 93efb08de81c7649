"""抄送我的 (docs/urge-and-copy.md): opening a copy marks it read, which is the read receipt its sender and
everyone who may see the case find on the case and task pages (engine.queries.copies)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from engine.clock import utcnow
from engine.context import Context
from engine.errors import NotFound
from engine.lookups import get_user
from engine.persistence import Notification
from engine.queries.copies import KIND, CopyRow, copy_row


def open_copy(ctx: Context, notification_id: int, username: str) -> CopyRow:
    """Mark one of my 抄送 read (the first time only: the receipt keeps when it was first read)."""
    with ctx.db.write() as session:
        row = _mine(session, notification_id, get_user(session, username).id)
        if row.read_at is None:
            row.read_at = utcnow()
        session.flush()
        return copy_row(session, row)


def _mine(session: Session, notification_id: int, user_id: int) -> Notification:
    row = session.get(Notification, notification_id)
    # Someone else's notification is "not found", not "forbidden": its existence is not the caller's business.
    if row is None or row.user_id != user_id or row.kind != KIND:
        raise NotFound(f"抄送 {notification_id} 不存在")
    return row
