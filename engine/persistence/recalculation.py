"""年度调标 runs (docs/annual-adjustment.md): a county's enrolments re-assessed under a new parameter version.

A run is prepared (every item computed and stored, nothing applied), then approved by the county as a whole
(every raise and reduction applied from the effective month, every flagged household put up for re-check),
or cancelled. Items keep what the enrolment was when the run was prepared, so an approval can tell which
enrolments changed in between.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

from sqlalchemy import Date, DateTime, ForeignKey, Index, Integer, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from engine.clock import utcnow
from engine.persistence.base import Base

RUN_PREPARED = "prepared"
RUN_APPROVED = "approved"
RUN_CANCELLED = "cancelled"


class RecalculationRun(Base):
    """One 调标 of one county from one month, under one deployed version of the 低保 process."""

    __tablename__ = "recalculation_run"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(32), unique=True)  # TB-2027-0001
    county_id: Mapped[int] = mapped_column(ForeignKey("org_unit.id"), index=True)
    region: Mapped[str] = mapped_column(String(32))
    effective_month: Mapped[date] = mapped_column(Date)  # the month's first day
    definition_id: Mapped[int] = mapped_column(ForeignKey("process_definition.id"))
    definition_version: Mapped[int] = mapped_column(Integer)
    status: Mapped[str] = mapped_column(String(16), default=RUN_PREPARED)
    # Counts by change, and the county's monthly total before and after (active enrolments only).
    total: Mapped[int] = mapped_column(Integer, default=0)
    raised: Mapped[int] = mapped_column(Integer, default=0)
    reduced: Mapped[int] = mapped_column(Integer, default=0)
    unchanged: Mapped[int] = mapped_column(Integer, default=0)
    flagged: Mapped[int] = mapped_column(Integer, default=0)
    skipped: Mapped[int] = mapped_column(Integer, default=0)
    budget_before: Mapped[Decimal] = mapped_column(Numeric(14, 2), default=Decimal(0))
    budget_after: Mapped[Decimal] = mapped_column(Numeric(14, 2), default=Decimal(0))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    approved_at: Mapped[datetime | None] = mapped_column(DateTime)
    approved_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    cancelled_at: Mapped[datetime | None] = mapped_column(DateTime)
    cancelled_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))


class RecalculationItem(Base):
    """One enrolment of a run: what it pays now, what it would pay, and what the run does with it."""

    __tablename__ = "recalculation_item"

    id: Mapped[int] = mapped_column(primary_key=True)
    run_id: Mapped[int] = mapped_column(ForeignKey("recalculation_run.id"))
    enrollment_id: Mapped[int] = mapped_column(ForeignKey("enrollment.id"))
    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id"))
    old_amount: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    new_amount: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))  # None: skipped, or not assessable
    old_persons: Mapped[int] = mapped_column(Integer)
    new_persons: Mapped[int | None] = mapped_column(Integer)
    # raise, reduce, unchanged, flagged (re-check instead), skipped (not part of the run); see vocabulary.
    change: Mapped[str] = mapped_column(String(16))
    reason: Mapped[str | None] = mapped_column(Text)  # Chinese: why flagged or skipped
    # The enrolment as prepared: an approval refuses when any of these moved since.
    seen_status: Mapped[str] = mapped_column(String(16))
    seen_change: Mapped[str | None] = mapped_column(String(64))


# The run page: a run's items by change, in enrolment order.
Index("ix_recalculation_item_run", RecalculationItem.run_id, RecalculationItem.change, RecalculationItem.id)
# The case page: the runs an enrolment took part in.
Index("ix_recalculation_item_enrollment", RecalculationItem.enrollment_id)
