"""The amount an enrollment pays, month by month (docs/payments.md).

`Enrollment.monthly_amount` is what the household receives now; the roster of a past or coming month
needs what was (or will be) payable *then*. Every change of amount is therefore also a row here, dated
by the first month it applies to: the approval (from the month after it), a re-check or the end of a
渐退 that changes the amount (from the month after its decision), a 年度调标 run (from its effective
month). The amount of month M is the latest row whose `effective_from` is on or before M's first day.
Rows are only ever added, so a locked roster can always be explained from them.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Date, DateTime, ForeignKey, Index, Integer, Numeric, String
from sqlalchemy.orm import Mapped, mapped_column

from engine.clock import utcnow
from engine.persistence.base import Base


class EnrollmentAmount(Base):
    """One change of an enrollment's monthly amount, from the month it applies to."""

    __tablename__ = "enrollment_amount"

    id: Mapped[int] = mapped_column(primary_key=True)
    enrollment_id: Mapped[int] = mapped_column(ForeignKey("enrollment.id"))
    effective_from: Mapped[date] = mapped_column(Date)  # always the first day of a month
    monthly_amount: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    persons: Mapped[int] = mapped_column(Integer)
    # approval, review (a re-check or the end of a 渐退), recalculation (年度调标); see SOURCES.
    source: Mapped[str] = mapped_column(String(16))
    # What made the change: the case number of the approval or re-check, or the recalculation run's number.
    reference: Mapped[str | None] = mapped_column(String(64))
    recorded_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)


# The amount of one enrollment for a month, and a roster's scan of every enrollment: by enrollment, in
# date order, the latest row first found from the index alone.
Index(
    "ix_enrollment_amount_lookup",
    EnrollmentAmount.enrollment_id,
    EnrollmentAmount.effective_from,
    EnrollmentAmount.id,
    EnrollmentAmount.monthly_amount,
)
