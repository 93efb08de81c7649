"""发放名册 (the monthly payroll roster) of a county (docs/payments.md).

A roster is drafted, checked and then locked by the county's approval. A locked month never changes:
nothing that would alter what it pays (a recalculation, a new draft) may run for that county and month,
and corrections go to a later month as adjustments.
"""

from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import Date, DateTime, ForeignKey, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from engine.clock import utcnow
from engine.persistence.base import Base

ROSTER_DRAFT = "draft"
ROSTER_LOCKED = "locked"


class PayrollRoster(Base):
    """The roster of one county for one month (`month` is the month's first day)."""

    __tablename__ = "payroll_roster"
    __table_args__ = (UniqueConstraint("county_id", "month"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    county_id: Mapped[int] = mapped_column(ForeignKey("org_unit.id"))
    month: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16), default=ROSTER_DRAFT)  # draft, locked
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    locked_at: Mapped[datetime | None] = mapped_column(DateTime)
    locked_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
