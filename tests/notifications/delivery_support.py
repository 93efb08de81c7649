"""What the delivery tests share: a context whose email goes to a local SMTP port, users with addresses,
and notifications written the way the causes write them (engine.records.notifications.outbox)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from engine.context import Context
from engine.persistence import Notification, NotificationDelivery, NotificationPreference, User
from engine.records.notifications.outbox import Message, send
from tests.conftest import MakeContext, add_second_clerk
from tests.notifications.servers import SENDER


def mail_settings(port: int, **more: Any) -> dict[str, Any]:
    return {"smtp_host": "127.0.0.1", "smtp_port": port, "smtp_security": "none", "smtp_sender": SENDER, **more}


def mail_context(make_context: MakeContext, port: int, **more: Any) -> Context:
    return make_context(**mail_settings(port, **more))


def give_email(ctx: Context, username: str, address: str | None = None, *, task_new: bool = False) -> None:
    with ctx.db.write() as session:
        user = session.scalars(select(User).where(User.username == username)).unique().one()
        user.email = address or f"{username}@example.org"
        if task_new:
            session.add(NotificationPreference(user_id=user.id, kind="task_new", email=True, sms=False))


def clerk_told_of_new_tasks(ctx: Context) -> None:
    """clerk1b, a second clerk of 城关镇 with an email address, who also wants new tasks by email."""
    add_second_clerk(ctx)
    give_email(ctx, "clerk1b", task_new=True)


def notify(
    ctx: Context, username: str, count: int = 1, kind: str = "task_overdue", tag: str = "", **message: Any
) -> list[int]:
    """`count` notifications of `kind` to the user (by their default channels); the delivery ids. `tag` makes
    the causes differ from an earlier call's."""
    with ctx.db.write() as session:
        user = session.scalars(select(User).where(User.username == username)).unique().one()
        rows = []
        for n in range(count):
            fields = {"title": f"任务已超期 {n}", "body": "请尽快办理。", **message}
            rows += send(session, Message(kind, f"test:{username}:{kind}:{tag}{n}", **fields), [user])
        session.flush()
        ids = session.scalars(
            select(NotificationDelivery.id).where(NotificationDelivery.notification_id.in_([r.id for r in rows]))
        )
        return sorted(ids)


def delivery(ctx: Context, delivery_id: int) -> NotificationDelivery:
    with ctx.db.read() as session:
        row = session.get(NotificationDelivery, delivery_id)
        assert row is not None
        return row


def deliveries(ctx: Context) -> list[NotificationDelivery]:
    with ctx.db.read() as session:
        return list(session.scalars(select(NotificationDelivery).order_by(NotificationDelivery.id)))


def notifications_of(ctx: Context, username: str) -> list[Notification]:
    with ctx.db.read() as session:
        user_id = session.scalars(select(User.id).where(User.username == username)).one()
        return list(session.scalars(select(Notification).where(Notification.user_id == user_id)))
