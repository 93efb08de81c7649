"""The heart of every state change (docs/contracts.md#running): after the workflow moved, write its state,
bring the HumanTask rows in line with the ready user tasks, stamp audit events and the next timer.
Callers hold the transaction; nothing here commits."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.orm import Session

from engine.clock import to_china, to_utc, utcnow
from engine.context import Context
from engine.domain.roles import ROLE_LEVELS
from engine.errors import Conflict, WorkflowFailed
from engine.persistence import Case, HumanTask, ProcessInstance
from engine.records import audit
from engine.records.alert_sync import apply_alert_outcome
from engine.records.care_visit_sync import apply_care_visit
from engine.records.case_sync import apply_enrollment_change, enroll_if_approved, sync_case
from engine.records.countersign_tasks import apply_member, stage_of
from engine.records.documents import issue_passed
from engine.records.kept_rows import keep_task
from engine.records.notice_sync import sync_notices
from engine.records.tekun_transfer import register_transfer
from engine.workflow.isolated import IsolatedRun
from engine.workflow.runtime import UserTaskView

OPEN_STATES = ("open", "claimed")


def persist(
    ctx: Context,
    session: Session,
    case: Case,
    instance: ProcessInstance,
    run: IsolatedRun,
    actor: audit.Actor = audit.SYSTEM,
    open_before: list[HumanTask] | None = None,
    *,
    audit_new_tasks: bool = True,
) -> list[HumanTask]:
    """Store the run's state and sync tasks; returns the HumanTask rows created by this step.

    `open_before` are the instance's open tasks as loaded by `prepare` before anything changed
    (a task the caller has just completed is skipped by its in-memory state)."""
    now = utcnow()
    instance.state = run.serialize()
    instance.next_timer_at = run.next_timer_at()
    instance.error_message = instance.error_element = None
    ready = {view.spiff_task_id: view for view in run.ready_user_tasks()}
    existing = {t.spiff_task_id: t for t in open_before or [] if t.state in OPEN_STATES}
    for spiff_id, task in existing.items():
        if spiff_id not in ready:
            # Withdrawn by the process itself (a boundary timer, a message): not done by anyone.
            task.state = "cancelled"
            task.completed_at = now
            audit.record_task(session, "task_cancelled", actor, task)
    created = [
        _create_task(ctx, session, case, instance, view, now)
        for spiff_id, view in ready.items()
        if spiff_id not in existing
    ]
    if audit_new_tasks and created:
        session.flush()  # the task ids go into their audit events
        for task in created:
            record_new_task(session, task, actor)
    data = run.data()
    _reflect(session, case, instance, run, data, actor)
    if run.completed:
        enroll_if_approved(session, case, instance, data, actor)
        register_transfer(ctx, session, case, instance, data, actor)  # 特困 → 低保 / 临时救助 (特认 Art. 27)
        instance.status = "completed"
        case.status, case.closed_at, case.stage = "closed", now, "已办结"
        audit.record(
            session,
            "process_completed",
            actor,
            case_id=case.id,
            instance_id=instance.id,
            details={"process_id": instance.definition.process_id},
        )
    else:
        instance.status = "running" if ready else "waiting"
        case.stage = stage_of(ready.values()) or _waiting_stage(instance.next_timer_at)
    # Last: a document reads the case as this step left it (the decision, the amount, the 公示).
    issue_passed(ctx, session, case, instance, run, actor)
    return created


def _reflect(
    session: Session, case: Case, instance: ProcessInstance, run: IsolatedRun, data: dict[str, Any], actor: audit.Actor
) -> None:
    """What the process data says onto the rows that reflect it: the case, the related enrollment, an alert, a
    特困 visit (docs/tekun-visits.md), the 公示."""
    sync_case(session, case, instance, data, actor)
    apply_enrollment_change(session, case, instance, data, actor)
    apply_alert_outcome(session, case, instance, data, actor, completed=run.completed)
    apply_care_visit(session, case, instance, data, actor, completed=run.completed)
    sync_notices(session, case, instance, run, actor)


_OPEN_TASKS = select(HumanTask).where(
    HumanTask.instance_id == bindparam("instance_id"), HumanTask.state.in_(OPEN_STATES)
)


def prepare(session: Session, instance_id: int, *, lock_audit: bool = True) -> list[HumanTask]:
    """Read what persist() needs before the caller changes anything: the audit head (locked, unless the
    caller locks it after its step: engine.records.advancing) and the instance's open tasks. Reading them
    first lets the whole change go out in one flush at commit, instead of an autoflush before each query."""
    if lock_audit:
        audit.lock_head(session)
    return list(session.scalars(_OPEN_TASKS, {"instance_id": instance_id}))


def _waiting_stage(next_timer_at: datetime | None) -> str:
    return "等待期满" if next_timer_at else "等待中"


def _create_task(
    ctx: Context, session: Session, case: Case, instance: ProcessInstance, view: UserTaskView, now: datetime
) -> HumanTask:
    level = ROLE_LEVELS.get(view.role)
    unit_id = case.unit_at(level.value) if level else None
    if unit_id is None:
        raise WorkflowFailed(f"无法为任务“{view.title}”确定办理机构（角色 {view.role or '未知'}）", view.name)
    due_at = None
    if view.due_working_days is not None:
        due_at = to_utc(ctx.calendar(case.region).due_at(to_china(now), view.due_working_days))
    if view.deadline is not None:
        # A timer on the task's boundary is its real limit (先行救助 within 24 hours): due to the hour.
        due_at = view.deadline if due_at is None else min(due_at, view.deadline)
    task = HumanTask(
        instance_id=instance.id,
        case=case,
        spiff_task_id=view.spiff_task_id,
        task_name=view.name,
        title=view.title,
        process_id=instance.definition.process_id,
        role=view.role,
        org_unit_id=unit_id,
        village_id=case.village_id,
        form_key=view.form_key,
        state="open",
        created_at=now,
        due_at=due_at,
    )
    apply_member(session, task, view.member)
    session.add(task)
    keep_task(session, task)  # the notification hook reads it again before commit (engine.records.kept_rows)
    return task


def record_new_task(session: Session, task: HumanTask, actor: audit.Actor) -> None:
    due_at = task.due_at.isoformat() if task.due_at else None
    audit.record_task(session, "task_created", actor, task, title=task.title, role=task.role, due_at=due_at)


def check_instance_usable(instance: ProcessInstance) -> None:
    if instance.status == "error":
        raise WorkflowFailed(
            f"流程实例处于错误状态，需管理员处理：{instance.error_message or ''}", instance.error_element
        )
    if instance.status in ("completed", "cancelled"):
        raise Conflict("流程已结束")
    if instance.status == "suspended":  # engine.services.case_ending: nothing moves a paused case
        raise Conflict("案件已暂停，暂停期间不能办理；请系统管理员恢复后再试")


def mark_error(ctx: Context, instance_id: int, failure: WorkflowFailed, actor: audit.Actor = audit.SYSTEM) -> None:
    """Record the failure in a transaction of its own; the instance keeps its last good state."""
    with ctx.db.write() as session:
        instance = session.get(ProcessInstance, instance_id)
        if instance is not None:
            park(session, instance, failure, actor)


def park(
    session: Session, instance: ProcessInstance, failure: WorkflowFailed, actor: audit.Actor = audit.SYSTEM
) -> None:
    """Put the instance in `error` (no further work, no timer) and audit why; an admin may retry it."""
    instance.status, instance.next_timer_at = "error", None
    instance.error_message, instance.error_element = failure.message, failure.element
    audit.record(
        session,
        "workflow_error",
        actor,
        case_id=instance.case_id,
        instance_id=instance.id,
        details={"message": failure.message, "element": failure.element},
    )
