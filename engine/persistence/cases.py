from __future__ import annotations

from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import DateTime, ForeignKey, Index, Integer, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engine.clock import utcnow
from engine.persistence.base import Base
from engine.persistence.org import OrgUnit

# Case.status values of a case still being handled: `suspended` (an administrator paused it,
# engine.services.case_ending) counts as open for dashboards, duplicate checks and pending objections.
IN_PROGRESS_STATUSES = ("open", "suspended")


class Case(Base):
    """One matter for one household. `data` is the validated start data (with the household snapshot)."""

    __tablename__ = "case_file"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(32), unique=True)
    kind: Mapped[str] = mapped_column(String(64), index=True)
    region: Mapped[str] = mapped_column(String(32), index=True)
    village_id: Mapped[int] = mapped_column(ForeignKey("org_unit.id"), index=True)
    township_id: Mapped[int | None] = mapped_column(ForeignKey("org_unit.id"), index=True)
    county_id: Mapped[int | None] = mapped_column(ForeignKey("org_unit.id"), index=True)
    applicant_name: Mapped[str | None] = mapped_column(String(100), index=True)
    data: Mapped[dict[str, Any]] = mapped_column(default=dict)
    status: Mapped[str] = mapped_column(String(16), default="open", index=True)
    stage: Mapped[str | None] = mapped_column(String(200))
    decided_amount: Mapped[Decimal | None] = mapped_column(Numeric(12, 2))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    closed_at: Mapped[datetime | None] = mapped_column(DateTime)
    related_case_id: Mapped[int | None] = mapped_column(ForeignKey("case_file.id"))
    # The legal clock (docs/rules.md#legal-clock): started at 受理, limit in working days,
    # optional extension.
    clock_started_at: Mapped[datetime | None] = mapped_column(DateTime)
    clock_limit_days: Mapped[int | None] = mapped_column(Integer)
    clock_extension_reason: Mapped[str | None] = mapped_column(Text)
    # What the process decided (its `outcome` and `decided_at`), and the latest assessment it ran, so case
    # pages and reports read columns instead of restoring workflows.
    outcome: Mapped[str | None] = mapped_column(String(16), index=True)
    decided_at: Mapped[datetime | None] = mapped_column(DateTime)
    assessment: Mapped[dict[str, Any] | None] = mapped_column()
    # The household as a clerk last entered it on a form (受理, or a corrected one at 入户调查/核查): what
    # the engine derives the public 公示 from (engine.records.notice_values), never workflow data.
    household: Mapped[dict[str, Any] | None] = mapped_column()
    # 终止 (or an administrator's cancel): ground, reason, who and when, and the applicant's notice
    # (docs/ending-and-pausing-cases.md). NULL for every case that was not ended early.
    termination: Mapped[dict[str, Any] | None] = mapped_column()

    village: Mapped[OrgUnit] = relationship(foreign_keys=[village_id], lazy="joined")

    def unit_at(self, level: str) -> int | None:
        """The id of the case's org unit at a level, from the ids stored at registration (no tree walk)."""
        return {"village": self.village_id, "township": self.township_id, "county": self.county_id}.get(level)


# 统计看板 (engine.queries.dashboard): open cases of a county (or, with its township, of a township) in
# the order the dashboard groups them, with the legal-clock columns for the overdue test; covering.
Index(
    "ix_case_open_stage",
    Case.county_id,
    Case.status,
    Case.township_id,
    Case.region,
    Case.kind,
    Case.stage,
    Case.clock_limit_days,
    Case.clock_started_at,
    Case.decided_at,
)
# The reminder sweep (engine.services.reminders): the cases whose legal clock still runs, oldest first.
Index("ix_case_clock_running", Case.decided_at, Case.closed_at, Case.clock_started_at)
# Cases of a county decided in a period, with what the in-time test reads; covering.
Index(
    "ix_case_decided",
    Case.county_id,
    Case.decided_at,
    Case.status,
    Case.township_id,
    Case.region,
    Case.clock_limit_days,
    Case.clock_started_at,
)
# 我发起的 (engine.queries.inbox): the cases a user registered, newest first.
Index("ix_case_created_by", Case.created_by_id, Case.created_at)
