"""撤回, 退回 and an administrator's move: a case goes back to an earlier step (docs/withdraw-and-return.md).

One transaction each, through records.advancing like a completion, so a withdrawal racing a completion of
the next step ends in one of them and a 409 for the other (the instance's version column). The engine
resets the workflow (engine.workflow.rewind); here the HumanTask rows follow it: the steps the reset
dropped are kept as history (``withdrawn`` or ``superseded``, never deleted), the reopened step gets a
new row saying why, and the audit chain gets ``task_withdrawn``, ``task_returned`` or ``case_moved``.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import policy
from engine.clock import utcnow
from engine.context import Context
from engine.errors import Conflict, InvalidData
from engine.lookups import get_case, get_user
from engine.persistence import HumanTask, ProcessInstance
from engine.queries.rewinding import return_choices, withdraw_blocker
from engine.queries.task_summaries import summary_of
from engine.records import audit
from engine.records.advancing import Advance, advancing
from engine.records.writeback import OPEN_STATES
from engine.results import CompletionResult, TaskSummary
from engine.services.admin.common import actor as admin_actor
from engine.services.tasks import STALE_MESSAGE, _task, check_may_act
from engine.workflow.isolated import IsolatedRun

MAX_REASON = 500


@dataclass(frozen=True)
class Moved:
    """Where an administrator's move left the case: its stage and the steps offered again."""

    case_number: str
    stage: str | None
    reopened: list[TaskSummary]


def _reason(reason: str, what: str) -> str:
    text = (reason or "").strip()
    if not text:
        raise InvalidData(f"{what}信息有误", {"reason": [f"{what}理由：必填"]})
    if len(text) > MAX_REASON:
        raise InvalidData(f"{what}信息有误", {"reason": [f"{what}理由：不超过 {MAX_REASON} 字"]})
    return text


def withdraw(ctx: Context, task_id: int, username: str, reason: str) -> CompletionResult:
    """撤回: the person who completed `task_id` takes it back; it reopens claimed by them, with what they
    submitted as its 暂存 draft, and the next steps disappear from the inboxes."""
    with advancing(ctx, stale=STALE_MESSAGE) as step:
        user, task = get_user(step.session, username), _task(step.session, task_id)
        policy.check_may_withdraw(user, task)
        text = _reason(reason, "撤回")
        blocker = withdraw_blocker(step.session, task)
        if blocker is not None:
            raise Conflict(blocker)
        actor = audit.Actor.of(user, task.role)
        run = step.begin(task.instance, actor)
        run.rewind(task_id=task.spiff_task_id)
        dropped = _retire(step.session, task.instance, run, "withdrawn")
        reopened = _finish(step, run, task, "withdrawn", text)
        for row in reopened:
            if row.task_name == task.task_name:
                row.state, row.assignee_id = "claimed", user.id
                row.draft, row.draft_saved_at = task.submission, utcnow()
        audit.record_task(
            step.session,
            "task_withdrawn",
            actor,
            task,
            reason=text,
            reopened=[t.id for t in reopened],
            dropped=[t.id for t in dropped if t.id != task.id],
        )
        return _result(task, reopened)


def return_to(ctx: Context, task_id: int, username: str, to: str, reason: str) -> CompletionResult:
    """退回: send the case from the open task `task_id` back to the earlier step `to`, which the task
    declares (returnTargets) and the case has completed; that step is offered again to its role."""
    with advancing(ctx, stale=STALE_MESSAGE) as step:
        user, task = get_user(step.session, username), _task(step.session, task_id)
        policy.check_may_return(user, task)
        check_may_act(user, task)
        text = _reason(reason, "退回")
        declared = dict(ctx.process(task.instance.definition).return_targets(task.task_name))
        if to not in declared:
            allowed = "、".join(declared.values()) or "无"
            raise InvalidData("退回信息有误", {"to": [f"退回步骤：“{task.title}”只能退回到 {allowed}"]})
        if to not in dict(return_choices(ctx, step.session, task)):
            raise InvalidData("退回信息有误", {"to": [f"退回步骤：本案件尚未办理过“{declared[to]}”"]})
        actor = audit.Actor.of(user, task.role)
        run = step.begin(task.instance, actor)
        run.rewind(element=to, from_task=task.spiff_task_id)
        task.completed_by_id, task.opinion = user.id, text
        dropped = _retire(step.session, task.instance, run, "superseded", returning=task)
        reopened = _finish(step, run, task, "returned", text)
        audit.record_task(
            step.session,
            "task_returned",
            actor,
            task,
            to=to,
            to_title=declared[to],
            reason=text,
            reopened=[t.id for t in reopened],
            dropped=[t.id for t in dropped if t.id != task.id],
        )
        return _result(task, reopened)


def move_case(ctx: Context, username: str, number: str, to: str, reason: str) -> Moved:
    """An administrator moves a stuck case back to a step it has completed before, with a reason."""
    with advancing(ctx) as step:
        scope = policy.admin_scope(step.session, username)
        case = get_case(step.session, number)
        scope.check_covers(case.village_id, f"处理案件 {number}")
        text = _reason(reason, "调整")
        instance = step.session.scalars(
            select(ProcessInstance)
            .where(ProcessInstance.case_id == case.id, ProcessInstance.status.in_(("running", "waiting")))
            .order_by(ProcessInstance.id.desc())
        ).first()
        if instance is None:
            raise Conflict(f"案件 {number} 没有正在办理的流程，无法调整")
        steps = dict(ctx.process(instance.definition).user_tasks())
        to = next((key for key, name in steps.items() if to.strip() in (key, name)), to)  # its id or its name
        if to not in steps:
            raise InvalidData("调整信息有误", {"to": [f"目标步骤：流程中没有步骤 {to}"]})
        actor = admin_actor(scope)
        run = step.begin(instance, actor)
        run.rewind(element=to)
        dropped = _retire(step.session, instance, run, "superseded")
        created = step.finish(case, run)
        _mark_reopened(created, "moved", text)
        audit.record(
            step.session,
            "case_moved",
            actor,
            case_id=case.id,
            instance_id=instance.id,
            details={
                "to": to,
                "to_title": steps[to],
                "reason": text,
                "reopened": _ids(step.session, created),
                "dropped": [t.id for t in dropped],
            },
        )
        return Moved(case.number, case.stage, [summary_of(t) for t in created])


def _retire(
    session: Session, instance: ProcessInstance, run: IsolatedRun, state: str, returning: HumanTask | None = None
) -> list[HumanTask]:
    """Mark the rows the reset took away: open steps no longer ready, completed steps no longer completed in
    the engine. The returning task itself is ``returned``. Before persist, which then leaves them alone."""
    now = utcnow()
    ready = {view.spiff_task_id for view in run.ready_user_tasks()}
    kept = run.completed_task_ids()
    rows = session.scalars(
        select(HumanTask).where(HumanTask.instance_id == instance.id, HumanTask.state.in_((*OPEN_STATES, "completed")))
    ).all()
    dropped = []
    for row in rows:
        if row is returning:
            row.state, row.completed_at = "returned", now
        elif row.state in OPEN_STATES and row.spiff_task_id not in ready:
            row.state, row.completed_at = state, now
            dropped.append(row)
        elif row.state == "completed" and row.spiff_task_id not in kept:
            row.state = state
            dropped.append(row)
    return dropped


def _finish(step: Advance, run: IsolatedRun, task: HumanTask, kind: str, reason: str) -> list[HumanTask]:
    created = step.finish(task.case, run)
    _mark_reopened(created, kind, reason)
    step.session.flush()
    return created


def _mark_reopened(created: list[HumanTask], kind: str, reason: str) -> None:
    for row in created:
        row.reopen_kind, row.reopen_reason = kind, reason


def _ids(session: Session, rows: list[HumanTask]) -> list[int]:
    session.flush()
    return [row.id for row in rows]


def _result(task: HumanTask, reopened: list[HumanTask]) -> CompletionResult:
    case = task.case
    return CompletionResult(summary_of(task), case.number, case.status, case.stage, [summary_of(t) for t in reopened])
