"""The notification centre's commands (docs/notification-centre.md), one transaction each: mark one or all
read, open one (read, and where it leads), and a user's own preferences: which kinds also go by email or
SMS, and the address and mobile number they go to.

A notification is its recipient's alone: another user's id is "not found", never "forbidden", so ids
cannot be probed for existence."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, cast

from sqlalchemy import CursorResult, select, update
from sqlalchemy.orm import Session

from engine.clock import utcnow
from engine.context import Context
from engine.domain.contacts import email_problem, mask_address, mobile_problem
from engine.domain.notification_kinds import EMAIL, KINDS, SMS
from engine.errors import InvalidData, NotFound
from engine.lookups import get_user
from engine.persistence import Notification, NotificationPreference, User
from engine.queries.notifications import NotificationRow, row_of
from engine.records import audit


@dataclass(frozen=True)
class Choice:
    """One kind's external channels: also by email, also by SMS."""

    email: bool = False
    sms: bool = False


@dataclass(frozen=True)
class PreferenceRow:
    kind: str
    label: str
    email: bool
    sms: bool
    sms_allowed: bool


@dataclass(frozen=True)
class Preferences:
    email: str  # "" when none
    mobile: str
    rows: tuple[PreferenceRow, ...]  # every kind, in the order of engine.domain.notification_kinds.KINDS


@dataclass(frozen=True)
class Target:
    """Where an opened notification leads: its task while it can be worked, else its case, else nowhere."""

    task_id: int | None
    case_number: str | None


def mark_read(ctx: Context, username: str, notification_id: int) -> NotificationRow:
    with ctx.db.write() as session:
        note = _own(session, username, notification_id)
        if note.read_at is None:
            note.read_at = utcnow()
        return row_of(session, note)


def mark_all_read(ctx: Context, username: str) -> int:
    """Marks every unread notification of the user read; how many there were."""
    with ctx.db.write() as session:
        user = get_user(session, username)
        unread = update(Notification).where(Notification.user_id == user.id, Notification.read_at.is_(None))
        result = session.execute(unread.values(read_at=utcnow()).execution_options(synchronize_session=False))
        return int(cast("CursorResult[Any]", result).rowcount or 0)


def open_notification(ctx: Context, username: str, notification_id: int) -> Target:
    row = mark_read(ctx, username, notification_id)
    return Target(row.task_id, row.case_number)


def preferences(ctx: Context, username: str) -> Preferences:
    with ctx.db.read() as session:
        user = get_user(session, username)
        return _preferences(user, _chosen(session, user.id))


def save_preferences(
    ctx: Context,
    username: str,
    choices: Mapping[str, Choice] | None,
    *,
    email: str | None = None,
    mobile: str | None = None,
) -> Preferences:
    """Saves the user's address and mobile (None: unchanged, "": removed) and their channel choices (None:
    unchanged; a kind left out: neither channel), all or nothing. Turning a channel on needs its address,
    SMS only for kinds that allow it. Records `notification_preferences_changed`, addresses masked."""
    with ctx.db.write() as session:
        user = get_user(session, username)
        chosen = _chosen(session, user.id)
        new_email, new_mobile = _contacts(user, email, mobile)
        wanted = _wanted(choices, chosen)
        _check_channels(chosen, wanted, new_email, new_mobile)
        changed = _apply(session, user, chosen, wanted)
        details: dict[str, object] = {"kinds": changed}
        if new_email != (user.email or ""):
            details["email"] = mask_address(EMAIL, new_email) if new_email else ""
        if new_mobile != (user.mobile or ""):
            details["mobile"] = mask_address(SMS, new_mobile) if new_mobile else ""
        user.email, user.mobile = new_email or None, new_mobile or None
        if len(details) > 1 or changed:
            audit.record(session, "notification_preferences_changed", audit.Actor.of(user), details=details)
        return _preferences(user, {**chosen, **wanted})


def set_contacts(ctx: Context, username: str, email: str, mobile: str) -> Preferences:
    """The user's own email address and mobile number ("" removes one); the channel choices stay."""
    return save_preferences(ctx, username, None, email=email, mobile=mobile)


def _own(session: Session, username: str, notification_id: int) -> Notification:
    user = get_user(session, username)
    note = session.get(Notification, notification_id)
    if note is None or note.user_id != user.id:
        raise NotFound(f"通知 {notification_id} 不存在")
    return note


def _chosen(session: Session, user_id: int) -> dict[str, Choice]:
    """The user's saved choices, and the kinds' defaults where there is none."""
    saved = {
        pref.kind: Choice(pref.email, pref.sms)
        for pref in session.scalars(select(NotificationPreference).where(NotificationPreference.user_id == user_id))
    }
    return {kind: saved.get(kind, Choice(spec.email, spec.sms and spec.sms_allowed)) for kind, spec in KINDS.items()}


def _preferences(user: User, chosen: Mapping[str, Choice]) -> Preferences:
    rows = tuple(
        PreferenceRow(kind, spec.label, chosen[kind].email, chosen[kind].sms, spec.sms_allowed)
        for kind, spec in KINDS.items()
    )
    return Preferences(user.email or "", user.mobile or "", rows)


def _contacts(user: User, email: str | None, mobile: str | None) -> tuple[str, str]:
    """The address and mobile to keep: typed ones checked (both, so the page names every wrong field)."""
    problems: dict[str, list[str]] = {}
    values = []
    for field, typed, current, problem_of in (
        ("email", email, user.email, email_problem),
        ("mobile", mobile, user.mobile, mobile_problem),
    ):
        value = (current or "") if typed is None else typed.strip()
        problem = problem_of(value) if typed is not None and value else None  # empty removes the address
        if problem:
            problems[field] = [problem]
        values.append(value)
    if problems:
        raise InvalidData(next(iter(problems.values()))[0], problems)
    return values[0], values[1]


def _wanted(choices: Mapping[str, Choice] | None, chosen: Mapping[str, Choice]) -> dict[str, Choice]:
    if choices is None:
        return dict(chosen)
    unknown = sorted(set(choices) - set(KINDS))
    if unknown:
        raise InvalidData("没有这种通知类型", {"kinds": [f"未知的通知类型：{kind}" for kind in unknown]})
    return {kind: choices.get(kind, Choice()) for kind in KINDS}


def _check_channels(chosen: Mapping[str, Choice], wanted: Mapping[str, Choice], email: str, mobile: str) -> None:
    """A channel turned on needs its address. One left on (a default, or the address removed since) is no
    error: the notification then stays in the centre only (engine.records.notifications.outbox)."""
    problems: dict[str, list[str]] = {}
    email_on = [KINDS[kind].label for kind, choice in wanted.items() if choice.email and not chosen[kind].email]
    sms_on = [KINDS[kind].label for kind, choice in wanted.items() if choice.sms and not chosen[kind].sms]
    if email_on and not email:
        problems["email"] = [f"要通过电子邮件接收“{email_on[0]}”通知，请先填写电子邮箱"]
    if sms_on and not mobile:
        problems["mobile"] = [f"要通过短信接收“{sms_on[0]}”通知，请先填写手机号码"]
    refused = [KINDS[kind].label for kind, choice in wanted.items() if choice.sms and not KINDS[kind].sms_allowed]
    if refused:
        problems["kinds"] = [f"“{label}”不能通过短信发送" for label in refused]
    if problems:
        raise InvalidData(next(iter(problems.values()))[0], problems)


def _apply(session: Session, user: User, chosen: Mapping[str, Choice], wanted: Mapping[str, Choice]) -> list[str]:
    """Writes a row for every kind whose choice changed; the kinds changed, for the audit log."""
    rows = {
        pref.kind: pref
        for pref in session.scalars(select(NotificationPreference).where(NotificationPreference.user_id == user.id))
    }
    changed = []
    for kind, choice in wanted.items():
        if choice == chosen[kind]:
            continue
        changed.append(kind)
        row = rows.get(kind)
        if row is None:
            session.add(NotificationPreference(user_id=user.id, kind=kind, email=choice.email, sms=choice.sms))
        else:
            row.email, row.sms = choice.email, choice.sms
    return changed
