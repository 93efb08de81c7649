"""Writing notifications: one row per recipient in the centre, and one outbox row per external channel the
recipient wants and can be reached on. Nothing here sends or commits; the worker delivers the outbox."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.clock import utcnow
from engine.domain.notification_kinds import EMAIL, SMS, default_channels
from engine.persistence import Notification, NotificationDelivery, NotificationPreference, User, UserRole


@dataclass(frozen=True)
class Message:
    """What to tell. `event_key` names the cause, unique per recipient (``task:12:new``)."""

    kind: str
    event_key: str
    title: str
    body: str = ""
    case_id: int | None = None
    task_id: int | None = None
    sender_id: int | None = None


def send(session: Session, message: Message, users: Iterable[User]) -> list[Notification]:
    """Notify each user once per cause; a user already notified of this cause is skipped (a sweep that
    runs twice, two workers). Returns the rows written."""
    recipients = {user.id: user for user in users if user.active}
    if not recipients:
        return []
    already = set(
        session.scalars(
            select(Notification.user_id).where(
                Notification.event_key == message.event_key, Notification.user_id.in_(recipients)
            )
        )
    )
    fresh = [user for user_id, user in recipients.items() if user_id not in already]
    if not fresh:
        return []
    channels = channels_of(session, [user.id for user in fresh], message.kind)
    now = utcnow()
    rows = []
    for user in fresh:
        row = Notification(
            user_id=user.id,
            kind=message.kind,
            title=message.title[:200],
            body=message.body,
            case_id=message.case_id,
            task_id=message.task_id,
            sender_id=message.sender_id,
            event_key=message.event_key,
            created_at=now,
        )
        session.add(row)
        rows.append(row)
        _enqueue(session, row, user, channels.get(user.id, frozenset()), message.event_key)
    return rows


def _enqueue(session: Session, row: Notification, user: User, channels: frozenset[str], event_key: str) -> None:
    # A user without an address for a channel they chose still gets the message in the centre; the
    # preferences page refuses to turn a channel on without its address (engine.services.notifications).
    addresses = {EMAIL: user.email, SMS: user.mobile}
    for channel in sorted(channels):
        address = (addresses.get(channel) or "").strip()
        if address:
            session.add(
                NotificationDelivery(
                    notification=row,
                    channel=channel,
                    address=address,
                    idempotency_key=idempotency_key(event_key, user.id, channel),
                    next_attempt_at=row.created_at,
                    created_at=row.created_at,
                )
            )


def idempotency_key(event_key: str, user_id: int, channel: str) -> str:
    return f"{event_key}|{user_id}|{channel}"


def channels_of(session: Session, user_ids: Sequence[int], kind: str) -> dict[int, frozenset[str]]:
    """The external channels each user gets this kind by: their choice where they made one, else the default."""
    chosen = {
        pref.user_id: pref
        for pref in session.scalars(
            select(NotificationPreference).where(
                NotificationPreference.user_id.in_(user_ids), NotificationPreference.kind == kind
            )
        )
    }
    default = default_channels(kind)
    result = {}
    for user_id in user_ids:
        pref = chosen.get(user_id)
        if pref is None:
            result[user_id] = default
        else:
            result[user_id] = frozenset(c for c, on in ((EMAIL, pref.email), (SMS, pref.sms)) if on)
    return result


def staff_of(session: Session, role: str, unit_id: int) -> list[User]:
    """The active users of a unit who hold a role: who a task of that role in that unit is offered to."""
    cache: dict[tuple[str, int], list[User]] = session.info.setdefault("notify_staff", {})
    key = (role, unit_id)
    if key not in cache:
        query = (
            select(User)
            .join(UserRole, UserRole.user_id == User.id)
            .where(User.org_unit_id == unit_id, UserRole.role == role, User.active.is_(True))
            .order_by(User.id)
        )
        cache[key] = list(session.scalars(query).unique())
    return cache[key]
