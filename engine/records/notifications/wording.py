"""How a notification names a case and a task. Messages may leave the system (email, SMS), so they carry
the case number and the masked applicant name only, never an ID number or an amount."""

from __future__ import annotations

from datetime import datetime

from engine.clock import to_china
from engine.domain.privacy import mask_name
from engine.persistence import Case, HumanTask


def case_words(case: Case) -> str:
    name = mask_name(case.applicant_name) if case.applicant_name else ""
    return f"案件 {case.number}（{name}）" if name else f"案件 {case.number}"


def due_words(task: HumanTask) -> str:
    return f"，请于 {moment(task.due_at)} 前办理" if task.due_at else ""


def moment(value: datetime | None) -> str:
    return f"{to_china(value):%Y-%m-%d %H:%M}" if value else ""
