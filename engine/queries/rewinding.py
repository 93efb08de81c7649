"""What 撤回 and 退回 depend on, read without changing anything (docs/withdraw-and-return.md): whether a
completed step may still be taken back (and, if not, why), and which earlier steps a task may send its
case back to. The task page asks these for its buttons; engine.services.rewinding asks them again inside
its transaction before it acts."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import policy
from engine.context import Context
from engine.domain.vocabulary import MOVED_ON_LABELS, REOPEN_KIND_LABELS
from engine.errors import NotFound
from engine.lookups import get_user
from engine.persistence import AuditEvent, HumanTask
from engine.records.writeback import OPEN_STATES

# What may happen after a completion without moving the case on: the next steps being offered (and
# claimed and released again), and reading the case.
_STILL_UNTOUCHED = frozenset(
    {
        "task_created",
        "task_claimed",
        "task_unclaimed",
        "task_draft_saved",
        "legal_clock_started",
        "pii_viewed",
        "pii_searched",
        "duplicate_confirmed",
        "audit.dossier_viewed",
        "audit.exported",
        "attachment.uploaded",
        "attachment.downloaded",
        "document_downloaded",  # reading a document moves nothing on (docs/documents-verify-and-download.md)
        # A document the completion itself issued (same transaction, docs/documents.md): it stays on
        # record and verifiable; a resubmission issues a new one with its own code.
        "document_issued",
        "document_rendered",  # its PDF printed afterwards by the worker or a reader (engine.records.document_rendering)
        "task_urged",  # 催办 nudges the next step's workers; it moves nothing on (docs/urge-and-copy.md)
    }
)


def withdraw_blocker(session: Session, task: HumanTask) -> str | None:
    """Why the completed `task` can no longer be taken back, or None when it can: its next steps must be
    neither claimed nor saved (暂存), and nothing may have moved the case on since it was completed."""
    if task.state != "completed":
        return "只能撤回已办结的步骤"
    if task.instance.status not in ("running", "waiting"):
        return "流程已结束或暂停，无法撤回"
    if task.member:  # one signature of a 会签 round: taking it back would reset the whole round
        return "会签意见提交后不能撤回；如有错误，请由下一步退回"
    completion = session.scalar(
        select(AuditEvent.seq)
        .where(AuditEvent.task_id == task.id, AuditEvent.action == "task_completed")
        .order_by(AuditEvent.seq.desc())
        .limit(1)
    )
    if completion is None:
        return "找不到该步骤的办结记录，无法撤回"
    for step in _next_steps(session, task):
        if step.state == "claimed":
            return f"下一步“{step.title}”已签收，无法撤回"
        if step.draft:
            return f"下一步“{step.title}”已暂存，无法撤回"
    later = session.scalars(
        select(AuditEvent.action).where(AuditEvent.case_id == task.case_id, AuditEvent.seq > completion)
    ).all()
    moved = [action for action in later if action not in _STILL_UNTOUCHED]
    if moved:
        return f"案件已被推进（{MOVED_ON_LABELS.get(moved[0], '已有其他操作')}），无法撤回"
    return None


def _next_steps(session: Session, task: HumanTask) -> Sequence[HumanTask]:
    """The instance's open tasks offered since `task` was completed."""
    return session.scalars(
        select(HumanTask).where(
            HumanTask.instance_id == task.instance_id,
            HumanTask.state.in_(OPEN_STATES),
            HumanTask.created_at >= task.completed_at,
        )
    ).all()


def return_choices(ctx: Context, session: Session, task: HumanTask) -> list[tuple[str, str]]:
    """(BPMN id, name) of the steps `task` declares it may send back to and this case has completed."""
    declared = ctx.process(task.instance.definition).return_targets(task.task_name)
    if not declared:
        return []
    reached = set(
        session.scalars(
            select(HumanTask.task_name).where(
                HumanTask.instance_id == task.instance_id,
                HumanTask.state == "completed",
                HumanTask.task_name.in_([name for name, _ in declared]),
            )
        )
    )
    return [(name, title) for name, title in declared if name in reached]


@dataclass(frozen=True)
class RewindView:
    """What the task page offers and says about 撤回 and 退回 (web/templates/clerk/_rewind.html)."""

    may_withdraw: bool  # the signed-in user completed this step and may still take it back
    withdraw_blocker: str | None  # why not, for the person who completed it
    return_choices: list[tuple[str, str]]  # (BPMN id, name) this open task may send the case back to
    reopen_label: str | None  # why this step is offered again
    reopen_reason: str | None


def task_rewind(ctx: Context, task_id: int, username: str) -> RewindView:
    with ctx.db.read() as session:
        user, task = get_user(session, username), session.get(HumanTask, task_id)
        if task is None:
            raise NotFound(f"任务 {task_id} 不存在")
        blocker = withdraw_blocker(session, task) if policy.may_withdraw(user, task) else "—"
        mine_to_work = policy.may_work(user, task) and (
            task.state == "open" or (task.state == "claimed" and task.assignee_id == user.id)
        )
        return RewindView(
            may_withdraw=blocker is None,
            withdraw_blocker=blocker if blocker != "—" and task.state == "completed" else None,
            return_choices=return_choices(ctx, session, task) if mine_to_work else [],
            reopen_label=REOPEN_KIND_LABELS.get(task.reopen_kind or ""),
            reopen_reason=task.reopen_reason,
        )
