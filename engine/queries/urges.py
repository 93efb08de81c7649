"""催办 as pages show it (docs/urge-and-copy.md): a task's 催办记录 from its `task_urged` audit events, whether
the reader may urge it and from when, the open tasks of a case the reader may urge, and the timeline's
sentence. The rate limit's parameter is read here so the command and the pages agree on it."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine import policy
from engine.clock import to_china, utcnow
from engine.context import Context
from engine.domain.vocabulary import URGE_EVENT_LABEL
from engine.errors import NotFound
from engine.lookups import get_case, get_user
from engine.persistence import AuditEvent, HumanTask, User
from engine.records.writeback import OPEN_STATES
from forms import FormDefinition

ACTION = "task_urged"
MAX_MESSAGE = 200
INTERVAL_PARAMETER = "urge_min_interval_hours"
DEFAULT_INTERVAL_HOURS = 4  # a process bundle without the parameter still limits


@dataclass(frozen=True)
class UrgeRecord:
    at: datetime  # naive UTC
    by: str  # 姓名（用户名）
    message: str
    urged: list[str]  # who was told, as "display name（username）"


@dataclass(frozen=True)
class UrgePanel:
    """The task page's 催办记录 and, for a supervisor in scope of an open task, the 催办 form."""

    records: list[UrgeRecord] = field(default_factory=list)
    may_urge: bool = False
    next_allowed_at: datetime | None = None  # naive UTC; None when a 催办 is allowed now
    max_message: int = MAX_MESSAGE


def interval_of(ctx: Context, task: HumanTask) -> timedelta:
    """The process's minimum interval between two 催办 of one task, as in force today."""
    try:
        value = ctx.process(task.instance.definition).parameters.value(INTERVAL_PARAMETER, to_china(utcnow()).date())
    except KeyError:
        value = DEFAULT_INTERVAL_HOURS
    return timedelta(hours=float(str(value)))


def last_urged_at(session: Session, task: HumanTask) -> datetime | None:
    # By the case first: the audit log is indexed by case, not by task.
    query = select(func.max(AuditEvent.occurred_at)).where(
        AuditEvent.case_id == task.case_id, AuditEvent.task_id == task.id, AuditEvent.action == ACTION
    )
    return session.scalar(query)


def task_urges(ctx: Context, task_id: int, username: str) -> UrgePanel:
    with ctx.db.read() as session:
        user, task = get_user(session, username), session.get(HumanTask, task_id)
        if task is None:
            raise NotFound(f"任务 {task_id} 不存在")
        policy.check_may_see_case(user, task.case)
        events = session.scalars(
            select(AuditEvent)
            .where(AuditEvent.case_id == task.case_id, AuditEvent.task_id == task.id, AuditEvent.action == ACTION)
            .order_by(AuditEvent.seq.desc())
        ).all()
        people = _people(session, {e.actor_id for e in events if e.actor_id is not None})
        told = _told_names(session, {str(name) for e in events for name in _urged_usernames(e)})
        records = [_record(e, people, told) for e in events]
        may = task.state in OPEN_STATES and policy.may_urge(user, task)
        allowed = records[0].at + interval_of(ctx, task) if may and records else None
        return UrgePanel(records, may, allowed if allowed and allowed > utcnow() else None)


def urgeable_tasks(ctx: Context, number: str, username: str) -> frozenset[int]:
    """The open tasks of case `number` the user may urge (the case page shows them a 催办 form)."""
    with ctx.db.read() as session:
        user, case = get_user(session, username), get_case(session, number)
        policy.check_may_see_case(user, case)
        open_tasks = session.scalars(
            select(HumanTask).where(HumanTask.case_id == case.id, HumanTask.state.in_(OPEN_STATES))
        ).all()
        return frozenset(task.id for task in open_tasks if policy.may_urge(user, task))


def _people(session: Session, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    rows = session.execute(select(User.id, User.display_name, User.username).where(User.id.in_(ids)))
    return {row.id: f"{row.display_name}（{row.username}）" for row in rows}


def _told_names(session: Session, usernames: set[str]) -> dict[str, str]:
    """The people told, as the page names them (display name and username), by username."""
    if not usernames:
        return {}
    rows = session.execute(select(User.username, User.display_name).where(User.username.in_(usernames)))
    return {row.username: f"{row.display_name}（{row.username}）" for row in rows}


def _urged_usernames(event: AuditEvent) -> list[str]:
    urged = event.details.get("urged") if isinstance(event.details, dict) else None
    return [str(name) for name in urged] if isinstance(urged, list) else []


def _record(event: AuditEvent, people: Mapping[int, str], told: Mapping[str, str]) -> UrgeRecord:
    details = event.details if isinstance(event.details, dict) else {}
    by = people.get(event.actor_id or 0, event.actor_name or "—")
    urged = [told.get(name, name) for name in _urged_usernames(event)]
    return UrgeRecord(event.occurred_at, by, str(details.get("message", "")), urged)


def _urged(event: AuditEvent, d: Mapping[str, Any], title: str, forms: Mapping[str, FormDefinition]) -> str:
    told = d.get("urged")
    who = f"（已通知 {'、'.join(map(str, told))}）" if isinstance(told, list) and told else ""
    return f"{URGE_EVENT_LABEL}任务“{title}”：{d.get('message', '')}{who}"


# The case timeline's sentence (engine.queries.case_page merges it into its SENTENCES).
SENTENCES: dict[str, Callable[[AuditEvent, Mapping[str, Any], str, Mapping[str, FormDefinition]], str]] = {
    ACTION: _urged,
}
