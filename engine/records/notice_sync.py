"""Keep Notice rows in step with the workflow, as HumanTask rows are kept with user tasks.

A process is in 公示 while it waits for the `notice_objection` message (processes/default/
public_notice.bpmn), until the timer racing that message. The row's public fields are derived by the
engine from the case record (engine.records.notice_values), so the public board can only ever show
the public fields (docs/rules.md#public-notice), whatever a process designer puts in the data.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.clock import to_china, utcnow
from engine.errors import DibaoError
from engine.persistence import Case, Notice, ProcessInstance
from engine.records import audit
from engine.records.notice_values import public_values
from engine.workflow.isolated import IsolatedRun
from engine.workflow.runtime import WaitingMessage

OBJECTION_MESSAGE = "notice_objection"
# The data key a process sets before calling public_notice to say what the 公示 is for (docs/tekun-exit.md):
# "termination" for a 终止公示; anything else, or nothing, is the 审核公示 of an application.
KIND_KEY = "notice_kind"
NOTICE_KINDS = ("application", "termination")
DEFAULT_NOTICE_DAYS = 7  # docs/rules.md#public-notice


def sync_notices(
    session: Session,
    case: Case,
    instance: ProcessInstance,
    run: IsolatedRun,
    actor: audit.Actor,
) -> None:
    if OBJECTION_MESSAGE not in run.process.message_names:
        return  # a process without a 公示 never has notices: no query on its every step
    waiting = run.waiting_messages()
    now = utcnow()
    in_notice = next((w for w in waiting if w.name == OBJECTION_MESSAGE), None)
    open_rows = open_notices(session, instance)
    if in_notice is None:
        close_notices(session, open_rows, case, actor, now, "closed")
        return
    if open_rows:
        return
    notice = _new_notice(case, instance, run, in_notice, now)
    session.add(notice)
    session.flush()
    audit.record(
        session,
        "notice_published",
        actor,
        case_id=case.id,
        instance_id=instance.id,
        details={
            "notice_id": notice.id,
            "masked_name": notice.masked_name,
            "persons": notice.persons,
            "proposed_amount": f"{notice.proposed_amount:.2f}",
            "ends_at": notice.ends_at.isoformat(),
            "kind": notice.kind,
        },
    )


def _new_notice(
    case: Case, instance: ProcessInstance, run: IsolatedRun, waiting: WaitingMessage, now: datetime
) -> Notice:
    values = public_values(case, run.process.parameters, to_china(now).date())
    return Notice(
        case_id=case.id,
        instance_id=instance.id,
        village_id=case.village_id,
        masked_name=values.masked_name,
        persons=values.persons,
        proposed_amount=values.amount,
        starts_at=now,
        ends_at=waiting.deadline or now + timedelta(days=_notice_days(run, now)),
        status="open",
        kind=_kind(waiting),
    )


def _kind(waiting: WaitingMessage) -> str:
    kind = waiting.data.get(KIND_KEY)
    return kind if isinstance(kind, str) and kind in NOTICE_KINDS else "application"


def _notice_days(run: IsolatedRun, now: datetime) -> int:
    """The region's 公示 period, for a 公示 no timer ends (the process listens until told otherwise)."""
    try:
        return int(run.process.parameters.value("notice_days", to_china(now).date()))
    except (DibaoError, TypeError, ValueError):
        return DEFAULT_NOTICE_DAYS


CLOSING_ACTIONS = {"closed": "notice_closed", "withdrawn": "notice_withdrawn"}


def open_notices(session: Session, instance: ProcessInstance) -> list[Notice]:
    return list(session.scalars(select(Notice).where(Notice.instance_id == instance.id, Notice.status == "open")))


def close_notices(
    session: Session, rows: list[Notice], case: Case, actor: audit.Actor, now: datetime, status: str
) -> None:
    """Take notices off the public board (it lists open ones only): `closed` when the 公示 ended, `withdrawn`
    when the case was ended (终止) during it; each with its audit event (notice_closed, notice_withdrawn)."""
    for notice in rows:
        notice.status, notice.closed_at = status, now
        audit.record(
            session,
            CLOSING_ACTIONS[status],
            actor,
            case_id=case.id,
            instance_id=notice.instance_id,
            details={"notice_id": notice.id},
        )
