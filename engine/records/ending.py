"""What ending a case before its decision writes (终止, or an administrator's cancel), in the caller's
transaction: the cancelled workflow state, the open tasks cancelled, the instance's timer stopped, a 公示
in progress withdrawn from the public board, and the case `cancelled` with its ground, reason and the
applicant's 终止 notice (docs/ending-and-pausing-cases.md). Nothing here commits.

`writeback.persist` is not used: a cancelled SpiffWorkflow reports itself `completed`, which persist
would book as a normal end (process_completed, an enrollment for an approval).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.clock import to_china, utcnow
from engine.context import Context
from engine.domain.privacy import mask_name
from engine.domain.vocabulary import ENDING_GROUND_LABELS
from engine.persistence import Case, HumanTask, IssuedDocument, ProcessInstance, User
from engine.records import audit
from engine.records.documents import issue
from engine.records.notice_sync import close_notices, open_notices
from engine.workflow.documents import PROCESS_LEVEL
from engine.workflow.isolated import IsolatedRun

OPEN_STATES = ("open", "claimed")
NOTICE_TITLE = "终止办理通知书"


@dataclass(frozen=True)
class Ending:
    """Why and by whom: `ground` is a key of vocabulary.ENDING_GROUND_LABELS; `issuer` the acting unit's name."""

    ground: str
    reason: str
    actor: audit.Actor
    by_name: str
    issuer: str
    process_title: str


def end_case(session: Session, case: Case, instance: ProcessInstance, run: IsolatedRun, ending: Ending) -> None:
    """Store the cancelled run and close everything the case had open (the run was cancelled in the engine)."""
    now = utcnow()
    instance.state = run.serialize()
    instance.next_timer_at = None
    instance.status = "cancelled"
    instance.error_message = instance.error_element = None
    tasks = session.scalars(
        select(HumanTask).where(HumanTask.instance_id == instance.id, HumanTask.state.in_(OPEN_STATES))
    )
    for task in tasks:
        task.state, task.completed_at = "cancelled", now
        audit.record_task(session, "task_cancelled", ending.actor, task, by="case_terminated")
    # A 公示 of an ended case comes off the public board.
    close_notices(session, open_notices(session, instance), case, ending.actor, now, "withdrawn")
    ground_label = ENDING_GROUND_LABELS.get(ending.ground, ending.ground)
    notice = _applicant_notice(case, ending, ground_label, now)
    case.status, case.closed_at, case.stage = "cancelled", now, f"已终止（{ground_label}）"
    case.termination = {
        "ground": ending.ground,
        "reason": ending.reason,
        "by": ending.actor.name,
        "by_name": ending.by_name,
        "at": now.isoformat(),
        "notice": notice,
    }
    audit.record(
        session,
        "case_terminated",
        ending.actor,
        case_id=case.id,
        instance_id=instance.id,
        details={"ground": ending.ground, "reason": ending.reason, "notice": notice},
    )


def _applicant_notice(case: Case, ending: Ending, ground_label: str, now: datetime) -> dict[str, Any]:
    """The applicant's 终止 notice as a record (the documents feature renders it): its words, date and issuer."""
    day = to_china(now).date()
    applied = to_china(case.created_at).date() if case.created_at else day
    who = mask_name(case.applicant_name) if case.applicant_name else "申请人"
    text = (
        f"{who}：您于 {applied.isoformat()} 提出的{ending.process_title}（案件编号 {case.number}），"
        f"因{ground_label}，经{ending.issuer}决定终止办理。说明：{ending.reason}"
    )
    return {"title": NOTICE_TITLE, "text": text, "issued_on": day.isoformat(), "issuer": ending.issuer}


def issue_ending_documents(
    ctx: Context, session: Session, case: Case, instance: ProcessInstance, run: IsolatedRun, ending: Ending
) -> list[IssuedDocument]:
    """The documents the case's process declares on itself (the 终止 notice, docs/documents-catalogue.md),
    issued after end_case so they read the case as ended (its termination record)."""
    names = run.process.documents_of(instance.definition.process_id, PROCESS_LEVEL)
    user = session.get(User, ending.actor.user_id) if ending.actor.user_id else None
    unit = user.org_unit if user is not None else None  # in the name of the unit that ended the case
    return [issue(ctx, session, case, instance, run.process, name, ending.actor, issuer=unit) for name in names]
