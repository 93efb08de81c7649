"""The administrator's view of the outbox (系统管理 › 通知发送): how many deliveries are waiting, being
sent, sent and dead, and the dead letters themselves, for the recipients in the admin's scope (their org
unit and below). Addresses are shown partly masked: enough to spot a typo, not a contact list."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select

from engine.context import Context
from engine.domain.contacts import mask_address
from engine.domain.notification_kinds import CHANNEL_LABELS, kind_label
from engine.persistence import Notification, NotificationDelivery, User
from engine.policy import admin_scope

STATUS_LABELS = {"pending": "等待发送", "sending": "正在发送", "sent": "已发送", "dead": "发送失败"}
DEAD_SHOWN = 200


@dataclass(frozen=True)
class StatusCount:
    status: str
    label: str
    count: int


@dataclass(frozen=True)
class DeadLetter:
    id: int
    recipient: str
    kind_label: str
    channel_label: str
    address: str  # masked
    attempts: int
    last_error: str
    created_at: datetime  # when the notification was written (naive UTC)


@dataclass(frozen=True)
class Deliveries:
    scope_name: str
    counts: list[StatusCount]
    dead: list[DeadLetter]  # newest first, at most DEAD_SHOWN
    dead_total: int


def deliveries(ctx: Context, username: str, dead_limit: int = DEAD_SHOWN) -> Deliveries:
    """Counts by status and the newest dead letters in the admin's scope; PermissionDenied for non-admins."""
    with ctx.db.read() as session:
        scope = admin_scope(session, username)
        in_scope = User.org_unit_id.in_(scope.unit_ids)
        by_status: dict[str, int] = dict(
            session.execute(
                select(NotificationDelivery.status, func.count())
                .join(Notification, Notification.id == NotificationDelivery.notification_id)
                .join(User, User.id == Notification.user_id)
                .where(in_scope)
                .group_by(NotificationDelivery.status)
            )
            .tuples()
            .all()  # a list: dict() would take a Result, which has keys(), for a mapping
        )
        query = (
            select(NotificationDelivery, Notification.kind, User.display_name)
            .join(Notification, Notification.id == NotificationDelivery.notification_id)
            .join(User, User.id == Notification.user_id)
            .where(in_scope, NotificationDelivery.status == "dead")
            .order_by(NotificationDelivery.id.desc())
            .limit(dead_limit)
        )
        dead = [
            DeadLetter(
                row.id,
                name,
                kind_label(kind),
                CHANNEL_LABELS.get(row.channel, row.channel),
                mask_address(row.channel, row.address),
                row.attempts,
                row.last_error or "",
                row.created_at,
            )
            for row, kind, name in session.execute(query).tuples()
        ]
        counts = [StatusCount(s, label, int(by_status.get(s, 0))) for s, label in STATUS_LABELS.items()]
        return Deliveries(scope.root.name, counts, dead, int(by_status.get("dead", 0)))
