"""Whether a county's month is locked by an approved 发放名册 (engine.persistence.payroll).

Everything that would change what a month pays asks here first: a locked month is refused with the
same message wherever it is asked."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.errors import Conflict
from engine.persistence import PayrollRoster
from engine.persistence.payroll import ROSTER_LOCKED


def month_locked(session: Session, county_id: int, month: date) -> bool:
    first = date(month.year, month.month, 1)
    found = session.scalar(
        select(PayrollRoster.id).where(
            PayrollRoster.county_id == county_id, PayrollRoster.month == first, PayrollRoster.status == ROSTER_LOCKED
        )
    )
    return found is not None


def check_month_open(session: Session, county_id: int, month: date, county_name: str) -> None:
    """Conflict (409) when the county's roster of `month` is locked."""
    if month_locked(session, county_id, month):
        raise Conflict(
            f"{county_name} {month.year} 年 {month.month} 月的发放名册已审批锁定，不能再改变该月的发放；"
            "更正请计入以后月份的调整"
        )
