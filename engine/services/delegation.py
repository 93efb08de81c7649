"""委派: the holder of a claimed task hands it to a colleague to fill in, and gets it back (docs/delegation.md).

One transaction each: delegate, hand back, recall. The delegate fills the form with 暂存
(engine.services.tasks.save_draft, which lets the delegate in) and never completes; the holder's form
opens with the delegate's draft after the hand-back. The task stays claimed by the holder throughout, so
the 待办 of the unit never shows it; the delegate finds it under 委派给我. Release and 转办 call `clear`.
"""

from __future__ import annotations

from sqlalchemy.orm import Session, joinedload

from engine import policy
from engine.clock import utcnow
from engine.context import Context
from engine.errors import Conflict, InvalidData, NotFound
from engine.lookups import find_user, get_user
from engine.persistence import HumanTask, User
from engine.queries.task_summaries import summaries
from engine.records import audit
from engine.records.writeback import OPEN_STATES
from engine.results import TaskSummary

MAX_NOTE = 500


def _task(session: Session, task_id: int) -> HumanTask:
    task = session.get(HumanTask, task_id, options=(joinedload(HumanTask.delegate),))
    if task is None:
        raise NotFound(f"任务 {task_id} 不存在")
    if task.state not in OPEN_STATES:
        raise Conflict(f"任务“{task.title}”已{'办结' if task.state == 'completed' else '取消'}，无法再委派或交回")
    return task


def _note(note: str | None, field: str) -> str | None:
    text = (note or "").strip()
    if len(text) > MAX_NOTE:
        label = "委派说明" if field == "note" else "交回说明"
        raise InvalidData("委派信息有误", {field: [f"{label}：不能超过 {MAX_NOTE} 个字"]})
    return text or None


def _summary(session: Session, task: HumanTask) -> TaskSummary:
    session.flush()
    return summaries(session, HumanTask.id == task.id)[0]


def delegate(ctx: Context, task_id: int, username: str, to_username: str, note: str | None = None) -> TaskSummary:
    """The holder hands the claimed task to `to_username` (same unit, same role) with an optional note."""
    with ctx.db.write() as session:
        user, task = get_user(session, username), _task(session, task_id)
        text = _note(note, "note")
        target = find_user(session, to_username.strip()) if to_username.strip() else None
        target = policy.check_may_delegate(user, task, target, to_username.strip() or "（未填写）")
        task.delegate, task.delegated_at, task.delegation_note = target, utcnow(), text
        task.handed_back_at, task.hand_back_note = None, None
        audit.record_task(
            session,
            "task_delegated",
            audit.Actor.of(user, task.role),
            task,
            to=target.username,
            to_name=target.display_name,
            note=text,
        )
        return _summary(session, task)


def hand_back(ctx: Context, task_id: int, username: str, note: str | None = None) -> TaskSummary:
    """The delegate gives the task back to its holder, with what they saved (暂存) as the form's draft."""
    with ctx.db.write() as session:
        user, task = get_user(session, username), _task(session, task_id)
        policy.check_may_hand_back(user, task)
        text = _note(note, "note")
        task.handed_back_at, task.hand_back_note = utcnow(), text
        holder = task.assignee.username if task.assignee else None
        audit.record_task(
            session,
            "task_handed_back",
            audit.Actor.of(user, task.role),
            task,
            to=holder,
            note=text,
            drafted=task.draft is not None,
        )
        return _summary(session, task)


def recall(ctx: Context, task_id: int, username: str) -> TaskSummary:
    """收回: the holder takes the task back before the hand-back; what the delegate saved stays as the draft."""
    with ctx.db.write() as session:
        user, task = get_user(session, username), _task(session, task_id)
        policy.check_may_recall(user, task)
        was = task.delegate
        clear(task)
        audit.record_task(
            session,
            "task_delegation_recalled",
            audit.Actor.of(user, task.role),
            task,
            delegate=was.username if was else None,
        )
        return _summary(session, task)


def clear(task: HumanTask) -> None:
    task.delegate, task.delegate_id, task.delegated_at, task.delegation_note = None, None, None, None
    task.handed_back_at, task.hand_back_note = None, None


def end_with_claim(session: Session, task: HumanTask, user: User, why: str) -> None:
    """取消签收 and 转办 end a delegation: the task leaves its holder, so it leaves the delegate too. Audited only
    when it was still with the delegate (after a hand-back there is nobody to tell)."""
    if task.delegate_id is None:
        return
    was, active = task.delegate, task.delegated
    clear(task)
    if active:
        audit.record_task(
            session,
            "task_delegation_ended",
            audit.Actor.of(user, task.role),
            task,
            delegate=was.username if was else None,
            why=why,
        )
