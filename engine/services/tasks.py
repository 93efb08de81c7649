"""Working tasks: list, show, claim, unclaim, transfer, complete (one transaction each)."""

from __future__ import annotations

import json
from collections.abc import Mapping
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, func, select
from sqlalchemy.orm import Session, joinedload

from engine import observe, policy
from engine.clock import utcnow
from engine.context import Context
from engine.domain.vocabulary import DECISION_LABELS
from engine.errors import Conflict, InvalidData, NotFound, WorkflowFailed
from engine.lookups import get_user
from engine.persistence import HumanTask, OrgUnit, ProcessInstance, User
from engine.queries.task_summaries import summaries, summary_of
from engine.records import audit
from engine.records.advancing import Advance, advancing
from engine.records.notice_values import record_entered_household
from engine.records.writeback import OPEN_STATES
from engine.results import CompletionResult, TaskSummary
from engine.services import delegation
from engine.workflow.runtime import FormCompletion
from forms import FormDefinition

VIEWS = ("open", "claimed", "done", "overdue", "delegated")
STALE_MESSAGE = "该任务已被他人办理或已变更，请刷新后查看"


def list_tasks(
    ctx: Context,
    username: str,
    view: str = "open",
    *,
    limit: int = 50,
    offset: int = 0,
    process_id: str | None = None,
    village_id: int | None = None,
    village: str | None = None,
) -> list[TaskSummary]:
    """`village` is a village's org-unit code, an alternative to `village_id` for callers without ids."""
    with ctx.db.read() as session:
        conditions = _list_conditions(session, username, view, process_id, village_id, village)
        order = (
            [HumanTask.completed_at.desc(), HumanTask.id.desc()] if view == "done" else [HumanTask.due_at, HumanTask.id]
        )
        return summaries(session, *conditions, order_by=order, limit=limit, offset=offset)


def count_tasks(
    ctx: Context,
    username: str,
    view: str = "open",
    *,
    process_id: str | None = None,
    village_id: int | None = None,
    village: str | None = None,
) -> int:
    """How many tasks list_tasks would return without limit and offset."""
    with ctx.db.read() as session:
        conditions = _list_conditions(session, username, view, process_id, village_id, village)
        return session.scalar(select(func.count()).select_from(HumanTask).where(*conditions)) or 0


def _list_conditions(
    session: Session, username: str, view: str, process_id: str | None, village_id: int | None, village: str | None
) -> list[Any]:
    if view not in VIEWS:
        raise InvalidData("查询参数有误", {"view": [f"视图必须是 {'/'.join(VIEWS)} 之一"]})
    conditions = _view_conditions(get_user(session, username), view)
    if process_id:
        conditions.append(HumanTask.process_id == process_id)
    if village_id:
        conditions.append(HumanTask.village_id == village_id)
    if village:
        conditions.append(HumanTask.village_id == select(OrgUnit.id).where(OrgUnit.code == village).scalar_subquery())
    return conditions


def _view_conditions(user: User, view: str) -> list[Any]:
    if view == "done":
        return [HumanTask.completed_by_id == user.id, HumanTask.state == "completed"]
    if view == "claimed":
        return [HumanTask.assignee_id == user.id, HumanTask.state == "claimed"]
    if view == "delegated":  # 委派给我 (docs/delegation.md): with me now, not yet handed back
        return [HumanTask.delegate_id == user.id, HumanTask.state == "claimed", HumanTask.handed_back_at.is_(None)]
    # 待办: unclaimed tasks my roles may work in my own org unit (the index ix_human_task_inbox).
    roles = sorted(user.roles)
    conditions = [HumanTask.org_unit_id == user.org_unit_id, HumanTask.state == "open", HumanTask.role.in_(roles)]
    if view == "overdue":
        conditions = [
            HumanTask.org_unit_id == user.org_unit_id,
            HumanTask.role.in_(roles),
            HumanTask.state.in_(OPEN_STATES),
            HumanTask.due_at < utcnow(),
        ]
    return conditions


# The task with its instance, definition and case in one round trip.
_WORK_OPTIONS = (joinedload(HumanTask.instance).joinedload(ProcessInstance.definition), joinedload(HumanTask.case))


_TASK_TO_WORK = select(HumanTask).options(*_WORK_OPTIONS).where(HumanTask.id == bindparam("task_id"))


def _task(session: Session, task_id: int) -> HumanTask:
    # A statement built once: session.get() with loader options would rebuild their cache key on every call.
    task = session.scalars(_TASK_TO_WORK, {"task_id": task_id}).first()
    if task is None:
        raise NotFound(f"任务 {task_id} 不存在")
    return task


def _check_open(task: HumanTask) -> None:
    if task.state not in OPEN_STATES:
        raise Conflict(
            f"任务“{task.title}”已{ {'completed': '办结', 'cancelled': '取消'}.get(task.state, '变更') }，无法再操作"
        )


def check_may_act(user: User, task: HumanTask) -> None:
    """The user holds the task's role in its org unit, it is still open, and nobody else claimed it."""
    policy.check_may_work(user, task)
    policy.check_countersign_member(user, task)
    _check_open(task)
    if task.case.status == "suspended":  # an administrator paused the case (engine.services.case_ending)
        raise Conflict("案件已暂停，暂停期间不能办理；请系统管理员恢复后再试")
    if task.state == "claimed" and task.assignee_id != user.id:
        raise Conflict("该任务已被他人签收，只能由签收人办理")


def claim(ctx: Context, task_id: int, username: str) -> TaskSummary:
    with ctx.db.write() as session:
        user, task = get_user(session, username), _task(session, task_id)
        check_may_act(user, task)
        task.state, task.assignee_id = "claimed", user.id
        delegation.clear(task)  # a delegation belongs to one holder's claim, never to the next one
        audit.record_task(session, "task_claimed", audit.Actor.of(user, task.role), task)
        return _summary(session, task)


def unclaim(ctx: Context, task_id: int, username: str) -> TaskSummary:
    with ctx.db.write() as session:
        user, task = get_user(session, username), _task(session, task_id)
        _check_open(task)
        if task.state != "claimed" or task.assignee_id != user.id:
            raise Conflict("只能取消本人签收的任务")
        policy.check_countersign_keeps_member(task, "取消签收")
        task.state, task.assignee_id = "open", None
        delegation.end_with_claim(session, task, user, "unclaimed")
        audit.record_task(session, "task_unclaimed", audit.Actor.of(user, task.role), task)
        return _summary(session, task)


def transfer(ctx: Context, task_id: int, username: str, to_username: str, reason: str) -> TaskSummary:
    if not reason.strip():
        raise InvalidData("转办信息有误", {"reason": ["转办理由：必填"]})
    with ctx.db.write() as session:
        user, task = get_user(session, username), _task(session, task_id)
        check_may_act(user, task)
        policy.check_countersign_keeps_member(task, "转办")
        try:
            target = get_user(session, to_username)
        except NotFound:
            raise InvalidData("转办信息有误", {"to": [f"接收人：用户 {to_username} 不存在"]}) from None
        if not policy.may_work(target, task) or target.id == user.id:
            raise InvalidData("转办信息有误", {"to": ["接收人：必须是本机构内具有相同角色的其他人员"]})
        task.state, task.assignee_id = "claimed", target.id
        delegation.end_with_claim(session, task, user, "transferred")
        audit.record_task(
            session,
            "task_transferred",
            audit.Actor.of(user, task.role),
            task,
            to=target.username,
            reason=reason.strip(),
        )
        return _summary(session, task)


def complete(ctx: Context, task_id: int, username: str, data: dict[str, Any]) -> CompletionResult:
    """Validate the form, run the workflow on, and store everything, or change nothing at all."""
    with advancing(ctx, stale=STALE_MESSAGE) as step:
        user, task = get_user(step.session, username), _task(step.session, task_id)
        policy.tekun.check_not_system_completed(task)  # 特困抽查: only the sample completes it (docs/tekun-sampling.md)
        policy.check_delegation_allows_completion(user, task)  # 委派: the delegate hands back, never completes
        check_may_act(user, task)
        # Nothing is written before the step, so the audit head is locked only after it.
        return complete_in(step, task, user, audit.Actor.of(user, task.role), data, lock_after_step=True)


def complete_in(
    step: Advance,
    task: HumanTask,
    user: User,
    actor: audit.Actor,
    data: dict[str, Any],
    *,
    lock_after_step: bool = False,
) -> CompletionResult:
    """The completion inside the caller's transaction; the caller has checked who may complete. Used by
    `complete` and by a service completing system steps, several in one transaction (engine.services.tekun_sampling)."""
    ctx = step.ctx
    run = step.begin(task.instance, actor, lock_after_step=lock_after_step)
    form = ctx.process(task.instance.definition).forms.get(task.form_key or "")
    if form is None:
        raise WorkflowFailed(f"任务“{task.title}”的表单 {task.form_key} 不在流程包中", task.task_name)
    # Validated against the form with the task's data as context, in the engine host's child,
    # which restores the state once for both.
    completion = run.complete_form(task.spiff_task_id, task.form_key or "", data)
    copies = ctx.process(task.instance.definition).copies(task.task_name)  # 抄送 (docs/urge-and-copy.md)
    _record_completion(step.session, task, user, actor, form, completion, copies)
    case = task.case
    created = step.finish(case, run)
    return CompletionResult(summary_of(task), case.number, case.status, case.stage, [summary_of(t) for t in created])


def _record_completion(
    session: Session,
    task: HumanTask,
    user: User,
    actor: audit.Actor,
    form: FormDefinition,
    done: FormCompletion,
    copies: tuple[str, ...] = (),
) -> None:
    now = utcnow()
    record_entered_household(task.case, form, done.clean)
    task.state, task.completed_at, task.completed_by = "completed", now, user
    task.assignee = task.assignee or user
    task.decision = _text(done.clean.get("decision"))
    task.opinion = _text(done.clean.get("opinion"))
    task.submission, task.draft, task.draft_saved_at = done.clean, None, None
    observe.count_on_commit(session, observe.COMPLETIONS, task.case.kind)
    audit.record_task(
        session,
        "task_completed",
        actor,
        task,
        at=now,
        form=task.form_key,
        changes=audit.changes(done.before, done.clean),
        # The roles the step copies (抄送) and the decision in words: the notification is written from this event.
        **({"copies": list(copies), "decision_label": decision_label(form, task.decision)} if copies else {}),
    )


def decision_label(form: FormDefinition, decision: str | None) -> str | None:
    """A decision code in the words of the form's own options, else the shared vocabulary's."""
    if not decision:
        return None
    field = form.schema.get("properties", {}).get("decision", {})
    labels = field.get("x-enum-labels") if isinstance(field, dict) else None
    if isinstance(labels, dict) and decision in labels:
        return str(labels[decision])
    return DECISION_LABELS.get(decision, decision)


# A draft is what was typed, stored as is; this bounds what one task row may hold.
MAX_DRAFT_BYTES = 200 * 1024


def save_draft(ctx: Context, task_id: int, username: str, values: Mapping[str, Any]) -> datetime:
    """暂存: keep what was typed in the task's form without completing it; the page reopens with it.

    Same permission as completing. Nothing is validated beyond shape (the form's own fields, JSON
    values, bounded size): a half-filled form is the point. Returns when it was saved (naive UTC)."""
    with ctx.db.write() as session:
        user, task = get_user(session, username), _task(session, task_id)
        if not policy.is_active_delegate(user, task):  # 委派: the delegate fills the form by 暂存
            check_may_act(user, task)
            policy.check_delegation_allows_completion(user, task)  # not the holder while it is with the delegate
        form = ctx.process(task.instance.definition).forms.get(task.form_key or "")
        draft = _draft_values(form.schema if form else {}, values)
        now = utcnow()
        task.draft, task.draft_saved_at = draft, now
        audit.record_task(session, "task_draft_saved", audit.Actor.of(user, task.role), task, fields=sorted(draft))
        return now


def _draft_values(schema: Mapping[str, Any], values: Mapping[str, Any]) -> dict[str, Any]:
    properties: Mapping[str, Any] = schema.get("properties", {})
    unknown = {str(key): ["表单中没有此字段"] for key in values if key not in properties}
    if unknown:
        raise InvalidData("暂存的内容有误", unknown)
    try:
        size = len(json.dumps(dict(values), ensure_ascii=False).encode())
    except (TypeError, ValueError):
        raise InvalidData("暂存的内容有误", {"data": ["只能包含文字、数字、是/否、列表和分组"]}) from None
    if size > MAX_DRAFT_BYTES:
        raise InvalidData("暂存的内容有误", {"data": [f"暂存内容过大（{size // 1024} KB），上限 200 KB"]})
    return dict(values)


def next_task(ctx: Context, username: str, after: int) -> TaskSummary | None:
    """The next open task like `after` (same step of the same process) in the user's 待办, earliest due
    first, skipping `after` itself: where the clerk goes on after 提交."""
    with ctx.db.read() as session:
        done = _task(session, after)
        conditions = _view_conditions(get_user(session, username), "open")
        conditions += [
            HumanTask.process_id == done.process_id,
            HumanTask.task_name == done.task_name,
            HumanTask.id != done.id,
        ]
        found = summaries(session, *conditions, order_by=[HumanTask.due_at, HumanTask.id], limit=1)
        return found[0] if found else None


def _text(value: Any) -> str | None:
    return None if value is None else str(value)


def _summary(session: Session, task: HumanTask) -> TaskSummary:
    session.flush()
    return summaries(session, HumanTask.id == task.id)[0]
