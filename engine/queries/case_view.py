"""A case as its page, the API and the CLI show it: status, stage, legal clock, assessment, notices,
enrollment and tasks. Read from columns: no workflow restore."""

from __future__ import annotations

from dataclasses import replace

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import policy
from engine.context import Context
from engine.errors import NotFound
from engine.lookups import get_case, get_user
from engine.persistence import Case, Enrollment, HumanTask, Notice, ProcessInstance
from engine.queries.notices import notice_view
from engine.queries.task_summaries import summaries
from engine.records import legal_clock
from engine.results import CaseView, EnrollmentView


def show_case(ctx: Context, number: str, username: str | None = None) -> CaseView:
    """The case; with `username`, only for staff whose unit is the case's village, township or county."""
    with ctx.db.read() as session:
        case = get_case(session, number)
        if username is not None:
            policy.check_may_see_case(get_user(session, username), case)
        return case_view(ctx, session, case)


def case_view(ctx: Context, session: Session, case: Case) -> CaseView:
    instance = session.scalars(
        select(ProcessInstance).where(ProcessInstance.case_id == case.id).order_by(ProcessInstance.id.desc())
    ).first()
    if instance is None:
        raise NotFound(f"案件 {case.number} 没有流程实例")
    tasks = summaries(session, HumanTask.case_id == case.id, order_by=HumanTask.id)
    view = CaseView.build(
        case,
        instance.definition.version,
        instance.definition.bundle_hash,
        instance.status,
        instance.error_message,
        instance.next_timer_at,
        dict(case.data),
        tasks,
    )
    notices = [
        notice_view(n) for n in session.scalars(select(Notice).where(Notice.case_id == case.id).order_by(Notice.id))
    ]
    enrollment = session.scalars(select(Enrollment).where(Enrollment.case_id == case.id)).first()
    return replace(
        view,
        outcome=case.outcome,
        decided_at=case.decided_at,
        legal_clock=legal_clock.legal_clock(case, ctx.calendar(case.region)),
        assessment=dict(case.assessment) if case.assessment else None,
        notices=notices,
        enrollment=_enrollment_view(enrollment) if enrollment else None,
    )


def _enrollment_view(enrollment: Enrollment) -> EnrollmentView:
    return EnrollmentView(
        enrollment.status,
        f"{enrollment.monthly_amount:.2f}",
        enrollment.persons,
        enrollment.covered_members,
        enrollment.starts_on,
        enrollment.ends_on,
    )
