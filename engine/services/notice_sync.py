"""Keep Notice rows in step with the workflow, as HumanTask rows are kept with user tasks.

A process is in 公示 while it waits for the `notice_objection` message (processes/default/
public_notice.bpmn). The row is built here from the case and the proposal, so the public board can
only ever show the public fields (domain.md §3), whatever a process designer puts in the data.
"""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.clock import utcnow
from engine.domain.privacy import mask_name
from engine.errors import WorkflowFailed
from engine.persistence import Case, Notice, ProcessInstance
from engine.services import audit
from engine.workflow.runtime import WorkflowRun

OBJECTION_MESSAGE = "notice_objection"


def sync_notices(
    session: Session,
    case: Case,
    instance: ProcessInstance,
    run: WorkflowRun,
    actor: audit.Actor,
) -> None:
    if OBJECTION_MESSAGE not in run.process.message_names:
        return  # a process without a 公示 never has notices: no query on its every step
    waiting = run.waiting_messages()
    now = utcnow()
    in_notice = next((w for w in waiting if w.name == OBJECTION_MESSAGE), None)
    open_rows = list(session.scalars(select(Notice).where(Notice.instance_id == instance.id, Notice.status == "open")))
    if in_notice is None:
        for notice in open_rows:
            notice.status, notice.closed_at = "closed", now
            audit.record(
                session,
                "notice_closed",
                actor,
                case_id=case.id,
                instance_id=instance.id,
                details={"notice_id": notice.id},
            )
        return
    if open_rows:
        return
    notice = _new_notice(case, instance, in_notice.data, now)
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
        },
    )


def _new_notice(case: Case, instance: ProcessInstance, data: dict[str, Any], now: datetime) -> Notice:
    raw = data.get("proposal")
    proposal: dict[str, Any] = raw if isinstance(raw, dict) else {}
    try:
        amount = Decimal(str(data.get("proposed_amount"))).quantize(Decimal("0.01"))
    except InvalidOperation:
        raise WorkflowFailed("公示缺少拟保障金额（proposed_amount）", "public_notice") from None
    members = proposal.get("members") or []
    # A 单人户 notice names the covered person, not the household's applicant.
    name = str(members[0]) if proposal.get("basis") == "single_person" and members else (case.applicant_name or "")
    return Notice(
        case_id=case.id,
        instance_id=instance.id,
        village_id=case.village_id,
        masked_name=mask_name(name),
        persons=int(proposal.get("persons") or len(members) or 1),
        proposed_amount=amount,
        starts_at=now,
        ends_at=_ends_at(data.get("notice_ends_at"), now, data.get("notice_days")),
        status="open",
    )


def _ends_at(value: Any, now: datetime, days: Any) -> datetime:
    if isinstance(value, str):
        try:
            moment = datetime.fromisoformat(value)
            return moment.astimezone(UTC).replace(tzinfo=None) if moment.tzinfo else moment
        except ValueError:
            pass
    return now + timedelta(days=int(days) if isinstance(days, int) else 7)
