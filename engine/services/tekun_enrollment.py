"""Start-data enrichment "tekun_enrollment" (engine.services.start_enrichment): a 特困 re-check or termination
acts on one enrolled person, so its start form asks only for the case (`related_case`) and the ground; the
person's record, the support (care tier, support mode, carer) and the amount paid now come from the
enrollment, as the system knows them, not as a clerk retypes them (docs/tekun-exit.md)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.errors import Conflict, InvalidData
from engine.persistence import Case, Enrollment
from engine.persistence.cases import IN_PROGRESS_STATUSES

# The processes that act on a 特困 enrollment: one at a time, or two decisions would race for the same support.
ACTING_PROCESSES = ("tekun_review", "tekun_termination")


def tekun_enrollment(session: Session, process_id: str, data: Mapping[str, Any]) -> dict[str, Any]:
    """`household` (the tekun record), `support`, `current_amount` and `applicant_name` of the active 特困
    enrollment of case `related_case`; InvalidData naming 原案件编号 when there is none."""
    number = str(data.get("related_case") or "")
    enrollment = session.scalars(
        select(Enrollment).join(Case, Case.id == Enrollment.case_id).where(Case.number == number)
    ).first()
    if enrollment is None or enrollment.programme != "tekun" or enrollment.status != "active":
        problem = f"特困供养案件编号：{number} 不是正在供养的特困人员"
        raise InvalidData("启动数据有误", {"related_case": [problem]})
    if data.get("trigger") != "scheduled":  # the yearly batch skips nobody: a clash there is only reported
        _check_none_running(session, enrollment.case_id, number)
    household: dict[str, Any] = dict(enrollment.household or {})
    raw = household.get("person")
    person: dict[str, Any] = raw if isinstance(raw, dict) else {}
    return {
        "household": household,
        "support": dict(enrollment.support or {}),
        "current_amount": f"{enrollment.monthly_amount:.2f}",
        "applicant_name": str(person.get("name") or enrollment.applicant_name),
    }


def _check_none_running(session: Session, case_id: int, number: str) -> None:
    running = session.scalars(
        select(Case.number).where(
            Case.related_case_id == case_id, Case.kind.in_(ACTING_PROCESSES), Case.status.in_(IN_PROGRESS_STATUSES)
        )
    ).first()
    if running is not None:
        raise Conflict(f"特困人员 {number} 已有正在办理的复核或终止案件 {running}，请在该案件中办理")
