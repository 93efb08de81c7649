"""抄送 as pages show it (docs/urge-and-copy.md): the 抄送我的 list of a user's `copied` notifications, and the
read receipts of a copied step (who was copied, when each read it) for anyone who may see the case. The
notification's `read_at` is the receipt: one row per recipient, keyed `task:{id}:copied`."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session, joinedload

from engine import policy
from engine.context import Context
from engine.errors import NotFound
from engine.lookups import get_case, get_user
from engine.persistence import Case, HumanTask, Notification, User

KIND = "copied"
PAGE_SIZE = 50


def event_key(task_id: int) -> str:
    return f"task:{task_id}:copied"


@dataclass(frozen=True)
class CopyReceipt:
    recipient: str  # 姓名（用户名）
    read_at: datetime | None  # naive UTC; None while unread


@dataclass(frozen=True)
class CopiedStep:
    task_id: int
    task_title: str
    copied_at: datetime  # naive UTC
    sender: str
    receipts: list[CopyReceipt]


@dataclass(frozen=True)
class CopyRow:
    """One 抄送 to me."""

    id: int
    case_number: str | None
    task_id: int | None
    task_title: str
    title: str
    body: str
    sender: str
    at: datetime  # naive UTC
    read_at: datetime | None


@dataclass(frozen=True)
class CopyList:
    rows: list[CopyRow]
    total: int
    unread: int
    page: int
    pages: int


def _person(user: User | None) -> str:
    return f"{user.display_name}（{user.username}）" if user is not None else "系统"


def copied_to_me(ctx: Context, username: str, page: int = 1, page_size: int = PAGE_SIZE) -> CopyList:
    """My `copied` notifications, newest first (the index ix_notification_user_kind)."""
    with ctx.db.read() as session:
        user = get_user(session, username)
        mine = (Notification.user_id == user.id, Notification.kind == KIND)
        total = session.scalar(select(func.count()).select_from(Notification).where(*mine)) or 0
        unread = (
            session.scalar(select(func.count()).select_from(Notification).where(*mine, Notification.read_at.is_(None)))
            or 0
        )
        pages = max(1, math.ceil(total / page_size))
        page = min(max(1, page), pages)
        rows = session.scalars(
            select(Notification)
            .where(*mine)
            .order_by(Notification.id.desc())
            .limit(page_size)
            .offset((page - 1) * page_size)
        ).all()
        return CopyList([copy_row(session, row) for row in rows], total, unread, page, pages)


def copy_row(session: Session, row: Notification) -> CopyRow:
    task = session.get(HumanTask, row.task_id) if row.task_id else None
    case = session.get(Case, row.case_id) if row.case_id else None
    return CopyRow(
        row.id,
        case.number if case else None,
        row.task_id,
        task.title if task else "",
        row.title,
        row.body,
        _person(row.sender),
        row.created_at,
        row.read_at,
    )


def receipts_for_task(ctx: Context, task_id: int, username: str) -> CopiedStep | None:
    """Who a completed step was copied to and when each read it; None for a step that copied nobody."""
    with ctx.db.read() as session:
        user, task = get_user(session, username), session.get(HumanTask, task_id)
        if task is None:
            raise NotFound(f"任务 {task_id} 不存在")
        policy.check_may_see_case(user, task.case)
        steps = _steps(session, [task])
        return steps[0] if steps else None


def receipts_for_case(ctx: Context, number: str, username: str) -> list[CopiedStep]:
    """Every copied step of the case, in the order they were completed."""
    with ctx.db.read() as session:
        user, case = get_user(session, username), get_case(session, number)
        policy.check_may_see_case(user, case)
        tasks = session.scalars(
            select(HumanTask)
            .where(HumanTask.case_id == case.id, HumanTask.state == "completed")
            .order_by(HumanTask.completed_at, HumanTask.id)
        ).all()
        return _steps(session, tasks)


def _steps(session: Session, tasks: Sequence[HumanTask]) -> list[CopiedStep]:
    if not tasks:
        return []
    keys = {event_key(task.id): task for task in tasks}
    rows = (
        session.scalars(
            select(Notification)
            .where(Notification.event_key.in_(keys), Notification.kind == KIND)
            .options(joinedload(Notification.user), joinedload(Notification.sender))
            .order_by(Notification.id)
        )
        .unique()
        .all()
    )
    by_task: dict[int, list[Notification]] = {}
    for row in rows:
        by_task.setdefault(keys[row.event_key].id, []).append(row)
    found = []
    for task in tasks:
        copies = by_task.get(task.id)
        if copies:
            receipts = [CopyReceipt(_person(row.user), row.read_at) for row in copies]
            found.append(CopiedStep(task.id, task.title, copies[0].created_at, _person(copies[0].sender), receipts))
    return found
