from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, ForeignKey, Index, Integer, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engine.clock import utcnow
from engine.persistence.base import Base
from engine.persistence.org import User


class Notification(Base):
    """One message to one user in the notification centre (docs/notifications.md). Written in the same
    transaction as the change that caused it. `event_key` names the cause (``task:12:new``); with the user
    it is unique, so a cause evaluated twice (a reminder sweep on two workers) notifies once. `read_at` is
    also the read receipt a sender of a 抄送 or 催办 sees."""

    __tablename__ = "notification"
    __table_args__ = (UniqueConstraint("event_key", "user_id", name="uq_notification_event_user"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"))
    kind: Mapped[str] = mapped_column(String(32))
    title: Mapped[str] = mapped_column(String(200))
    body: Mapped[str] = mapped_column(Text, default="")
    case_id: Mapped[int | None] = mapped_column(ForeignKey("case_file.id"), index=True)
    task_id: Mapped[int | None] = mapped_column(ForeignKey("human_task.id"), index=True)
    sender_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    event_key: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    read_at: Mapped[datetime | None] = mapped_column(DateTime)

    user: Mapped[User] = relationship(foreign_keys=[user_id])
    sender: Mapped[User | None] = relationship(foreign_keys=[sender_id])


# The bell: a user's unread count and newest-first list, from the index alone.
Index("ix_notification_user", Notification.user_id, Notification.read_at, Notification.id)
# 抄送我的 and the like: one kind of a user's notifications, newest first.
Index("ix_notification_user_kind", Notification.user_id, Notification.kind, Notification.id)


class NotificationDelivery(Base):
    """The outbox: one notification to be sent over one external channel (``email`` or ``sms``) to the
    address the user had when it was written. The worker claims due rows (``pending``, or ``sending`` whose
    claim has lapsed because its worker died), sends, and marks them ``sent``; a failure schedules a retry
    with backoff and, after the last attempt, ``dead`` with the error. `idempotency_key` is
    (event, recipient, channel) and unique: the same cause can never enqueue a second send, and the
    receiving side gets it too (Message-ID, an HTTP header) to drop a repeat of a send whose result was lost."""

    __tablename__ = "notification_delivery"

    id: Mapped[int] = mapped_column(primary_key=True)
    notification_id: Mapped[int] = mapped_column(ForeignKey("notification.id"), index=True)
    channel: Mapped[str] = mapped_column(String(8))
    address: Mapped[str] = mapped_column(String(200))
    idempotency_key: Mapped[str] = mapped_column(String(160), unique=True)
    status: Mapped[str] = mapped_column(String(12), default="pending")
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    claimed_until: Mapped[datetime | None] = mapped_column(DateTime)
    claimed_by: Mapped[str | None] = mapped_column(String(100))
    last_error: Mapped[str | None] = mapped_column(Text)
    sent_at: Mapped[datetime | None] = mapped_column(DateTime)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)

    notification: Mapped[Notification] = relationship()


# The worker's queue: due rows by status and time; the dead-letter list by status.
Index("ix_notification_delivery_due", NotificationDelivery.status, NotificationDelivery.next_attempt_at)


class NotificationPreference(Base):
    """A user's choice for one kind: also by email, also by SMS. No row means the kind's default
    (engine.domain.notification_kinds)."""

    __tablename__ = "notification_preference"

    user_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"), primary_key=True)
    kind: Mapped[str] = mapped_column(String(32), primary_key=True)
    email: Mapped[bool] = mapped_column(Boolean, default=False)
    sms: Mapped[bool] = mapped_column(Boolean, default=False)
