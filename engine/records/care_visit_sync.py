"""What a 特困人员探访 tells its visit (docs/tekun-visits.md), written back with the rest of a step's results
(engine.records.writeback.persist calls `apply_care_visit` beside the alert outcome).

`tekun_care_visit` ends by setting the data key `care_visit_record` (the visit form's fields, the month and
whether the visit came after the month's end). When the process completes, the CareVisit opened with the case
is marked done with its visit date and record, once: a visit that is already done is left as it is."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.persistence import Case, ProcessInstance
from engine.persistence.tekun import CareVisit
from engine.records import audit

PROCESS_ID = "tekun_care_visit"


def apply_care_visit(
    session: Session,
    case: Case,
    instance: ProcessInstance,
    data: dict[str, Any],
    actor: audit.Actor,
    *,
    completed: bool,
) -> None:
    record = data.get("care_visit_record")
    # Only a finished visit case costs a query.
    if not completed or case.kind != PROCESS_ID or not isinstance(record, dict):
        return
    visit = session.scalars(select(CareVisit).where(CareVisit.case_id == case.id)).first()
    if visit is None or visit.status == "done":
        return
    visit.status, visit.visited_on, visit.record = "done", _day(record.get("visited_on")), dict(record)
    audit.record(
        session,
        "care_visit_recorded",
        actor,
        case_id=case.id,
        instance_id=instance.id,
        details={
            "care_visit": visit.id,
            "month": visit.month.isoformat(),
            "visited_on": visit.visited_on.isoformat() if visit.visited_on else None,
            "late": bool(record.get("late")),
        },
    )


def _day(value: Any) -> date | None:
    try:
        return date.fromisoformat(str(value))
    except ValueError:
        return None
