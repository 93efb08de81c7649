"""The worker's outbox job (docs/notifications-delivery.md): send what is due by email or SMS, retry with
backoff, dead-letter after the last attempt; and an administrator's resend of a dead letter.

A send never happens inside a transaction. Due rows are claimed in a short one (status `sending`, who,
until when) and committed; each is then sent, and its outcome recorded in a new transaction only if the
row is still ours. Two workers never claim the same row (PostgreSQL: FOR UPDATE SKIP LOCKED; SQLite
serialises writers with BEGIN IMMEDIATE). A worker that dies after claiming leaves a claim that lapses
after DIBAO_DELIVERY_LEASE_SECONDS; the next worker takes the row over. If that worker had already
handed the message over, it is sent a second time with the same idempotency key (Message-ID,
Idempotency-Key header): the one repeat an outbox cannot rule out, and the key lets the receiver drop it.
"""

from __future__ import annotations

import logging
import os
import socket
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any, cast

from sqlalchemy import CursorResult, and_, or_, select, update
from sqlalchemy.orm import Session

from engine.clock import utcnow
from engine.context import Context
from engine.delivery import DeliveryFailed
from engine.delivery.email import send_email
from engine.delivery.sms import send_sms
from engine.domain.notification_kinds import CHANNEL_LABELS, EMAIL, SMS
from engine.errors import Conflict, NotFound
from engine.persistence import Case, Notification, NotificationDelivery
from engine.policy import admin_scope
from engine.records import audit
from engine.services.admin.common import actor
from engine.settings import Settings

log = logging.getLogger("dibao.delivery")

PENDING, SENDING, SENT, DEAD = "pending", "sending", "sent", "dead"
FOOTER = "本邮件由低保审批系统自动发送，请勿直接回复。"
_MAX_BATCH = 50
_MAX_ERROR = 1000


@dataclass(frozen=True)
class Outgoing:
    """One claimed delivery, with everything needed to send it outside any transaction."""

    delivery_id: int
    channel: str
    address: str
    idempotency_key: str
    attempts: int
    subject: str
    text: str
    claimed_by: str
    claimed_until: datetime


@dataclass(frozen=True)
class Resent:
    delivery_id: int
    recipient: str
    channel_label: str


def worker_id() -> str:
    return f"{socket.gethostname()}:{os.getpid()}:{threading.get_ident()}"[:100]


def deliver_due(ctx: Context, limit: int | None = None) -> int:
    """Send every due delivery (at most `limit`), batch by batch; how many were attempted."""
    batch, done = batch_size(ctx.settings), 0
    while limit is None or done < limit:
        size = batch if limit is None else min(batch, limit - done)
        claimed = claim(ctx, size)
        for item in claimed:
            if utcnow() >= item.claimed_until:
                break  # our claim lapsed while the batch was slow: the rest may be another worker's now
            record(ctx, item, attempt(ctx.settings, item))
            done += 1
        if len(claimed) < size:
            break
    return done


def batch_size(settings: Settings) -> int:
    # A batch must be sent well within its lease even when every send runs into the timeout.
    return max(1, min(_MAX_BATCH, int(settings.delivery_lease_seconds / (2 * settings.delivery_timeout_seconds))))


def claim(ctx: Context, limit: int) -> list[Outgoing]:
    """Claim up to `limit` due deliveries for this worker and commit, so no other worker sends them."""
    now, me = utcnow(), worker_id()
    until = now + timedelta(seconds=ctx.settings.delivery_lease_seconds)
    due = or_(
        and_(NotificationDelivery.status == PENDING, NotificationDelivery.next_attempt_at <= now),
        and_(NotificationDelivery.status == SENDING, NotificationDelivery.claimed_until < now),
    )
    with ctx.db.write() as session:
        query = (
            select(NotificationDelivery)
            .where(due)
            .order_by(NotificationDelivery.next_attempt_at, NotificationDelivery.id)
            .limit(limit)
            .with_for_update(skip_locked=True)  # PostgreSQL; SQLite has no row locks and needs none
        )
        rows = list(session.scalars(query))
        for row in rows:
            row.status, row.claimed_by, row.claimed_until = SENDING, me, until
        texts = _texts(session, ctx.settings.public_url, [row.id for row in rows])
        return [
            Outgoing(row.id, row.channel, row.address, row.idempotency_key, row.attempts, *texts[row.id], me, until)
            for row in rows
        ]


def _texts(session: Session, public_url: str, ids: list[int]) -> dict[int, tuple[str, str]]:
    """Subject and text of each delivery: the notification with a link to its task or case."""
    query = (
        select(NotificationDelivery.id, NotificationDelivery.channel, Notification, Case.number)
        .join(Notification, Notification.id == NotificationDelivery.notification_id)
        .outerjoin(Case, Case.id == Notification.case_id)
        .where(NotificationDelivery.id.in_(ids))
    )
    texts = {}
    for delivery_id, channel, note, number in session.execute(query):
        if note.task_id is not None:
            link = f"{public_url}/tasks/{note.task_id}"
        elif number is not None:
            link = f"{public_url}/cases/{number}"
        else:
            link = public_url
        if channel == SMS:
            texts[delivery_id] = (note.title, f"【低保审批】{note.title}。详见 {link}")
        else:
            body = f"{note.body}\n\n" if note.body else ""
            texts[delivery_id] = (note.title, f"{body}办理或查看：{link}\n\n{FOOTER}\n")
    return texts


@dataclass(frozen=True)
class Failure:
    error: str
    permanent: bool = False  # retrying cannot help: dead-letter now


def attempt(settings: Settings, item: Outgoing) -> Failure | None:
    """Send one claimed delivery; None when it went out, else why not."""
    try:
        if item.channel == EMAIL:
            send_email(settings, item.address, item.subject, item.text, item.idempotency_key)
        elif item.channel == SMS:
            send_sms(settings, item.address, item.text, item.idempotency_key)
        else:
            raise DeliveryFailed(f"未知的发送渠道 {item.channel}")
    except DeliveryFailed as exc:
        # The delivery row keeps the whole message for the admin page; the log never gets the recipient's
        # address (a server's refusal quotes it), only what went wrong.
        shown = exc.message.replace(item.address, "〈收件地址〉") if item.address else exc.message
        log.warning("通知发送失败（第 %d 次，发送记录 %d）：%s", item.attempts + 1, item.delivery_id, shown)
        return Failure(exc.message, exc.permanent)
    except Exception as exc:
        # A bug must not leave the row claimed forever (it would be retried without ever counting).
        log.exception("通知发送出错（发送记录 %d）", item.delivery_id)
        return Failure(f"内部错误：{type(exc).__name__}")
    return None


def record(ctx: Context, item: Outgoing, failure: Failure | None) -> bool:
    """Store the outcome if the row is still claimed by us (not taken over after our lease lapsed)."""
    now, attempts = utcnow(), item.attempts + 1
    values: dict[str, Any] = {"attempts": attempts, "claimed_until": None}
    if failure is None:
        values.update(status=SENT, sent_at=now)
    elif failure.permanent or attempts >= ctx.settings.delivery_attempts:
        values.update(status=DEAD, last_error=failure.error[:_MAX_ERROR])
    else:
        wait = timedelta(seconds=ctx.settings.delivery_backoff_seconds * 2 ** (attempts - 1))
        values.update(status=PENDING, next_attempt_at=now + wait, last_error=failure.error[:_MAX_ERROR])
    with ctx.db.write() as session:
        result = session.execute(
            update(NotificationDelivery)
            .where(
                NotificationDelivery.id == item.delivery_id,
                NotificationDelivery.status == SENDING,
                NotificationDelivery.claimed_by == item.claimed_by,
                NotificationDelivery.claimed_until == item.claimed_until,
            )
            .values(**values)
        )
        ours = cast("CursorResult[Any]", result).rowcount == 1
    if not ours:
        log.warning("发送记录 %d 已被其他发送进程接手，本次结果不再记录", item.delivery_id)
    return ours


def resend(ctx: Context, username: str, delivery_id: int) -> Resent:
    """An administrator puts a dead delivery back in the queue, from the first attempt again."""
    with ctx.db.write() as session:
        scope = admin_scope(session, username)
        row = session.get(NotificationDelivery, delivery_id)
        if row is None:
            raise NotFound(f"发送记录 {delivery_id} 不存在")
        recipient = row.notification.user
        scope.check_covers(recipient.org_unit_id, f"重新发送给 {recipient.display_name} 的通知")
        if row.status != DEAD:
            raise Conflict(f"发送记录 {delivery_id} 不是发送失败的通知，无需重新发送")
        previous = row.last_error
        row.status, row.attempts, row.next_attempt_at = PENDING, 0, utcnow()
        row.claimed_by = row.claimed_until = None
        audit.record(
            session,
            "notification_resent",
            actor(scope),
            case_id=row.notification.case_id,
            task_id=row.notification.task_id,
            details={
                "delivery": row.id,
                "channel": row.channel,
                "recipient": recipient.username,
                "previous_error": previous,
            },
        )
        return Resent(row.id, recipient.display_name, CHANNEL_LABELS.get(row.channel, row.channel))
