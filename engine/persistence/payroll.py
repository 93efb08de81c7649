"""发放名册 (the monthly payroll roster) of a county (docs/payments.md).

A roster is drafted, checked and then locked by the county's approval. A locked month never changes:
nothing that would alter what it pays (a recalculation, a new draft) may run for that county and month,
and corrections go to a later month as adjustments.

The lines are a snapshot (payee, 身份证号, amount, township, category) taken when the draft is generated:
the bank file of a locked month must come out the same however the enrollments change afterwards.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Date, DateTime, ForeignKey, Index, Integer, Numeric, String, Text, UniqueConstraint
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
    # The last (re)generation of the draft, and what it came to.
    generated_at: Mapped[datetime | None] = mapped_column(DateTime)
    generated_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    line_count: Mapped[int] = mapped_column(Integer, default=0)
    persons: Mapped[int] = mapped_column(Integer, default=0)
    total_amount: Mapped[Decimal] = mapped_column(Numeric(14, 2), default=Decimal("0.00"))
    # sha256 of the lines as generated: the approval recomputes it and refuses a draft that is no longer current.
    content_sha256: Mapped[str | None] = mapped_column(String(64))
    # sha256 of the bank CSV at the approval: every later download of a locked month must have this hash.
    bank_file_sha256: Mapped[str | None] = mapped_column(String(64))


class PayrollLine(Base):
    """One payment of a roster: a month's regular amount, a 补发 of a month missed, or an adjustment."""

    __tablename__ = "payroll_line"

    id: Mapped[int] = mapped_column(primary_key=True)
    roster_id: Mapped[int] = mapped_column(ForeignKey("payroll_roster.id"))
    enrollment_id: Mapped[int] = mapped_column(ForeignKey("enrollment.id"))
    kind: Mapped[str] = mapped_column(String(16))  # regular, topup, adjustment (engine.domain.payroll.LINE_KINDS)
    for_month: Mapped[date] = mapped_column(Date)  # the month this payment is for
    amount: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    persons: Mapped[int] = mapped_column(Integer)
    township_id: Mapped[int | None] = mapped_column(ForeignKey("org_unit.id"))
    village_id: Mapped[int] = mapped_column(ForeignKey("org_unit.id"))
    category: Mapped[str] = mapped_column(String(16))  # engine.domain.payroll.CATEGORIES
    case_number: Mapped[str] = mapped_column(String(32))
    payee_name: Mapped[str] = mapped_column(String(100))
    id_number: Mapped[str | None] = mapped_column(String(18))  # in clear for the bank; pages mask it
    source: Mapped[str | None] = mapped_column(String(16))  # the amount row's source (engine.records.amounts)
    reference: Mapped[str | None] = mapped_column(String(64))
    adjustment_id: Mapped[int | None] = mapped_column(ForeignKey("payroll_adjustment.id"))


# The roster page: one roster's lines by township and category; 补发: what an enrollment was paid for a month.
Index("ix_payroll_line_roster", PayrollLine.roster_id, PayrollLine.township_id, PayrollLine.category)
Index("ix_payroll_line_enrollment", PayrollLine.enrollment_id, PayrollLine.for_month)


class PayrollAdjustment(Base):
    """A correction of a locked month, paid (or recovered, when negative) in a later, open month."""

    __tablename__ = "payroll_adjustment"

    id: Mapped[int] = mapped_column(primary_key=True)
    county_id: Mapped[int] = mapped_column(ForeignKey("org_unit.id"))
    enrollment_id: Mapped[int] = mapped_column(ForeignKey("enrollment.id"))
    paid_in: Mapped[date] = mapped_column(Date)  # the month whose roster carries it
    corrects_month: Mapped[date] = mapped_column(Date)  # the locked month it corrects
    amount: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    reason: Mapped[str] = mapped_column(Text)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))


Index("ix_payroll_adjustment_month", PayrollAdjustment.county_id, PayrollAdjustment.paid_in)
