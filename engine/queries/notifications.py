"""The notification centre (docs/notification-centre.md): the bell's unread count and a page of the signed-in
user's notifications, newest first, filtered to the unread ones or to one kind.

The count runs on every signed-in page, so it is one COUNT over ix_notification_user (user, read_at, id)
and nothing else. A page is one read transaction: the count of matching rows, the page itself with its
sender, task and case joined, and the unread count."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, func, select
from sqlalchemy.orm import Session, aliased

from engine.clock import to_china
from engine.context import Context
from engine.domain.notification_kinds import KINDS, kind_label
from engine.errors import InvalidData
from engine.persistence import Case, HumanTask, Notification, User

VIEWS = ("all", "unread")
PAGE_SIZE = 20
MAX_PAGE = 10**6
# A link to a task page only while the task can still be worked; a done or cancelled one is read on its case.
LIVE_TASK_STATES = ("open", "claimed")

_SENDER = aliased(User, name="notification_sender")


@dataclass(frozen=True)
class NotificationQuery:
    view: str = "all"  # one of VIEWS
    kind: str = ""  # empty: every kind
    page: int = 1
    page_size: int = PAGE_SIZE


@dataclass(frozen=True)
class NotificationRow:
    """One notification as the list and the API show it. `task_id` is set while its task can be worked;
    otherwise `case_number` is where it leads (None when it names neither)."""

    id: int
    kind: str
    kind_label: str
    title: str
    body: str
    created_at: datetime  # naive UTC, as stored
    read_at: datetime | None
    sender_name: str | None
    task_id: int | None
    case_number: str | None

    @property
    def read(self) -> bool:
        return self.read_at is not None

    @property
    def china_time(self) -> str:
        """When it was written, in Beijing time: 2026-12-06 10:05."""
        return f"{to_china(self.created_at):%Y-%m-%d %H:%M}"


@dataclass(frozen=True)
class NotificationPage:
    query: NotificationQuery
    rows: tuple[NotificationRow, ...]
    total: int  # rows matching the query, over all pages
    unread: int  # the bell's count

    @property
    def pages(self) -> int:
        return max(1, -(-self.total // self.query.page_size))


def unread_count(ctx: Context, username: str) -> int:
    """The bell: how many of the user's notifications are unread (0 for an unknown user)."""
    # One statement: the user by name (unique index) joined to the index's (user_id, read_at IS NULL) range.
    query = (
        select(func.count())
        .select_from(Notification)
        .join(User, User.id == Notification.user_id)
        .where(User.username == username, Notification.read_at.is_(None))
    )
    with ctx.db.read() as session:
        return session.scalar(query) or 0


def list_notifications(ctx: Context, username: str, query: NotificationQuery) -> NotificationPage:
    _check(query)
    with ctx.db.read() as session:
        user_id = _user_id(session, username)
        where = _conditions(user_id, query)
        total = session.scalar(select(func.count()).select_from(Notification).where(*where)) or 0
        statement = (
            select(Notification, _SENDER.display_name, HumanTask.state, Case.number)
            .outerjoin(_SENDER, _SENDER.id == Notification.sender_id)
            .outerjoin(HumanTask, HumanTask.id == Notification.task_id)
            .outerjoin(Case, Case.id == Notification.case_id)
            .where(*where)
            .order_by(Notification.id.desc())
            .limit(query.page_size)
            .offset((query.page - 1) * query.page_size)
        )
        rows = tuple(_row(note, sender, state, number) for note, sender, state, number in session.execute(statement))
        return NotificationPage(query, rows, total, _unread(session, user_id))


def row_of(session: Session, note: Notification) -> NotificationRow:
    """One notification already loaded in a session (the services' answer to "mark read")."""
    sender = note.sender.display_name if note.sender is not None else None
    state = session.scalar(select(HumanTask.state).where(HumanTask.id == note.task_id)) if note.task_id else None
    number = session.scalar(select(Case.number).where(Case.id == note.case_id)) if note.case_id else None
    return _row(note, sender, state, number)


def _row(note: Notification, sender: str | None, task_state: str | None, case_number: str | None) -> NotificationRow:
    live = note.task_id is not None and task_state in LIVE_TASK_STATES
    return NotificationRow(
        id=note.id,
        kind=note.kind,
        kind_label=kind_label(note.kind),
        title=note.title,
        body=note.body,
        created_at=note.created_at,
        read_at=note.read_at,
        sender_name=sender,
        task_id=note.task_id if live else None,
        case_number=case_number,
    )


def _check(query: NotificationQuery) -> None:
    problems: dict[str, list[str]] = {}
    if query.view not in VIEWS:
        problems["view"] = ["必须是 all（全部）或 unread（未读）"]
    if query.kind and query.kind not in KINDS:
        problems["kind"] = ["没有这种通知类型"]
    if not 1 <= query.page <= MAX_PAGE:
        problems["page"] = [f"必须在 1 到 {MAX_PAGE} 之间"]
    if problems:
        raise InvalidData("查询条件有误", problems)


def _conditions(user_id: int, query: NotificationQuery) -> list[ColumnElement[bool]]:
    where = [Notification.user_id == user_id]
    if query.view == "unread":
        where.append(Notification.read_at.is_(None))
    if query.kind:
        where.append(Notification.kind == query.kind)
    return where


def _unread(session: Session, user_id: int) -> int:
    query = select(func.count()).select_from(Notification)
    return session.scalar(query.where(Notification.user_id == user_id, Notification.read_at.is_(None))) or 0


def _user_id(session: Session, username: str) -> int:
    # An unknown name is nobody's: no row matches user id 0.
    return session.scalar(select(User.id).where(User.username == username)) or 0
