"""Start-data enrichment "tekun_enrollment" (engine.services.start_enrichment): a 特困 re-check or termination
acts on one enrolled person, so its start form asks only for the case (`related_case`) and the ground; the
person's record, the support (care tier, support mode, carer) and the amount paid now come from the
enrollment, as the system knows them, not as a clerk retypes them (docs/tekun-exit.md)."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.errors import InvalidData
from engine.persistence import Case, Enrollment


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
    household: dict[str, Any] = dict(enrollment.household or {})
    raw = household.get("person")
    person: dict[str, Any] = raw if isinstance(raw, dict) else {}
    return {
        "household": household,
        "support": dict(enrollment.support or {}),
        "current_amount": f"{enrollment.monthly_amount:.2f}",
        "applicant_name": str(person.get("name") or enrollment.applicant_name),
    }
