"""催办: a supervisor nudges the people working an open task, with a message (docs/urge-and-copy.md).

One transaction: the check (engine.policy.urging), the rate limit (the process's parameter
`urge_min_interval_hours`, counted from the task's last `task_urged` event: engine.queries.urges), and the
audit event. The notification to the task's workers is written from that event before the transaction commits
(engine.records.notifications.from_events), so a refused 催办 sends nothing."""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy.orm import Session, joinedload

from engine import policy
from engine.clock import to_china, utcnow
from engine.context import Context
from engine.errors import Conflict, InvalidData, NotFound, RateLimited
from engine.lookups import get_user
from engine.persistence import HumanTask, ProcessInstance
from engine.policy.urging import urging_role
from engine.queries.urges import ACTION, MAX_MESSAGE, interval_of, last_urged_at
from engine.records import audit
from engine.records.notifications.from_events import workers_of
from engine.records.writeback import OPEN_STATES


@dataclass(frozen=True)
class UrgeResult:
    task_id: int
    case_number: str
    title: str
    urged_at: datetime  # naive UTC
    urged: list[str]  # the usernames told
    next_allowed_at: datetime  # naive UTC: the earliest moment of the next 催办 of this task


def urge(ctx: Context, task_id: int, username: str, message: str) -> UrgeResult:
    """PermissionDenied outside scope, NotFound, Conflict for a task no longer open, InvalidData for the
    message (required, at most MAX_MESSAGE characters), RateLimited within the interval."""
    with ctx.db.write() as session:
        user = get_user(session, username)
        task = _task(session, task_id)
        policy.check_may_urge(user, task)
        text = _message(message)
        if task.state not in OPEN_STATES:
            raise Conflict(f"任务“{task.title}”已{'办结' if task.state == 'completed' else '结束'}，无需催办")
        if task.case.status == "suspended":
            raise Conflict("案件已暂停，暂停期间不能催办")
        now, interval = utcnow(), interval_of(ctx, task)
        last = last_urged_at(session, task)
        if last is not None and now < last + interval:
            raise RateLimited(
                _too_soon(last, last + interval), retry_after=math.ceil((last + interval - now).total_seconds())
            )
        told = [worker.username for worker in workers_of(session, task) if worker.id != user.id]
        audit.record_task(
            session, ACTION, audit.Actor.of(user, urging_role(user)), task, at=now, message=text, urged=told
        )
        return UrgeResult(task.id, task.case.number, task.title, now, told, now + interval)


def _task(session: Session, task_id: int) -> HumanTask:
    options = (joinedload(HumanTask.instance).joinedload(ProcessInstance.definition), joinedload(HumanTask.case))
    task = session.get(HumanTask, task_id, options=options)
    if task is None:
        raise NotFound(f"任务 {task_id} 不存在")
    return task


def _message(message: str | None) -> str:
    text = (message or "").strip()
    if not text:
        raise InvalidData("催办信息有误", {"message": ["催办内容：必填"]})
    if len(text) > MAX_MESSAGE:
        raise InvalidData(
            "催办信息有误", {"message": [f"催办内容：不能超过 {MAX_MESSAGE} 个字（现有 {len(text)} 个字）"]}
        )
    return text


def _too_soon(last: datetime, allowed: datetime) -> str:
    return (
        f"该任务已于 {to_china(last):%Y-%m-%d %H:%M} 催办过，同一任务的两次催办须间隔一段时间；"
        f"下次可催办时间：{to_china(allowed):%Y-%m-%d %H:%M}"
    )
