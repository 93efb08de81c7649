"""The daily digest (docs/notification-rules.md#digest): once per China-time day, after the configured hour
(DIBAO_DIGEST_HOUR, default 8), each user with open tasks of their role in their unit that are overdue
or due within DIBAO_DIGEST_DAYS days gets one `digest` notification (key ``digest:<date>``) with the counts
and the first few tasks. A user with nothing due gets nothing.
"""

from __future__ import annotations

from collections import defaultdict
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import and_, exists, or_, select, text

from engine.clock import CHINA, to_china, to_utc, utcnow
from engine.context import Context
from engine.persistence import Case, HumanTask, Notification, User, UserRole
from engine.records.notifications.outbox import Message, send
from engine.records.notifications.wording import moment

LOCK_KEY = 0x64696264  # "dibd": one digest at a time across workers
LISTED = 5  # tasks named in the digest; the rest are counted

# Kept on the Context (one per worker process): the China-time day this process last wrote the digest for.
DAY_DONE = "digest.day_done"


def job(ctx: Context) -> int:
    """The worker's job: the digest once a day per process after the hour; a cheap no-op otherwise."""
    local = to_china(utcnow())
    if local.hour < ctx.settings.digest_hour or ctx.cached(DAY_DONE) == local.date():
        return 0
    written = digest(ctx, local.date())
    ctx.cache(DAY_DONE, local.date())
    return written


def digest(ctx: Context, day: date) -> int:
    """Write `day`'s digest to every user who has something due and has not had it yet; how many."""
    now = utcnow()
    key = f"digest:{day.isoformat()}"
    cutoff = to_utc(datetime.combine(day + timedelta(days=ctx.settings.digest_days), time.max, tzinfo=CHINA))
    with ctx.db.write() as session:
        if ctx.db.is_postgres:
            session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": LOCK_KEY})
        due: dict[int, list[Any]] = defaultdict(list)
        for row in session.execute(_due_tasks(key, cutoff)):
            due[row.user_id].append(row)
        written = 0
        for user_id, rows in due.items():
            user = session.get(User, user_id)
            if user is not None:
                written += len(send(session, _message(key, day, rows, now), [user]))
        return written


def _due_tasks(key: str, cutoff: datetime) -> Any:
    """(user, task) for each open task of a user's role in their unit due by `cutoff`; a claimed task
    counts for its holder only. Users already given this digest are left out."""
    told = exists().where(Notification.event_key == key, Notification.user_id == User.id)
    return (
        select(User.id.label("user_id"), HumanTask.title, HumanTask.due_at, Case.number)
        .select_from(HumanTask)
        .join(UserRole, UserRole.role == HumanTask.role)
        .join(User, and_(User.id == UserRole.user_id, User.org_unit_id == HumanTask.org_unit_id))
        .join(Case, Case.id == HumanTask.case_id)
        .where(
            HumanTask.due_at <= cutoff,
            or_(HumanTask.state == "open", and_(HumanTask.state == "claimed", HumanTask.assignee_id == User.id)),
            User.active.is_(True),
            ~told,
        )
        .order_by(User.id, HumanTask.due_at, HumanTask.id)
    )


def _message(key: str, day: date, rows: list[Any], now: datetime) -> Message:
    overdue = sum(1 for row in rows if row.due_at < now)
    lines = [f"{row.number} {row.title}（{moment(row.due_at)} 到期）" for row in rows[:LISTED]]
    if len(rows) > LISTED:
        lines.append(f"另有 {len(rows) - LISTED} 项，请到工作台查看。")
    body = f"您有 {overdue} 项已超期、{len(rows) - overdue} 项即将到期的待办任务：\n" + "\n".join(lines)
    title = f"每日待办摘要（{day:%Y-%m-%d}）：超期 {overdue} 项，即将到期 {len(rows) - overdue} 项"
    return Message("digest", key, title, body)
