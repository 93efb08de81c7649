"""转介 (docs/one-window.md): a matter handed to another department (医保, 教育, 住建 …), which answers
within a feedback deadline. A referral comes from a case (专项救助 after a 低保 decision) or from an intake
request (一门受理 triage); the department is an org unit of level `department` under the county."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, Index, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engine.clock import utcnow
from engine.persistence.base import Base
from engine.persistence.cases import Case
from engine.persistence.org import OrgUnit

# Referral.status: waiting for the department, then its answer (vocabulary.REFERRAL_STATUS_LABELS).
REFERRAL_OPEN_STATUSES = ("pending", "accepted")


class Referral(Base):
    __tablename__ = "referral"

    id: Mapped[int] = mapped_column(primary_key=True)
    number: Mapped[str] = mapped_column(String(32), unique=True)
    region: Mapped[str] = mapped_column(String(32))
    county_id: Mapped[int] = mapped_column(ForeignKey("org_unit.id"))
    department_id: Mapped[int] = mapped_column(ForeignKey("org_unit.id"))
    # What is asked of the department (vocabulary.REFERRAL_KIND_LABELS): medical, education, housing …
    kind: Mapped[str] = mapped_column(String(32))
    # Where it came from: "case" (case_id set) or "intake" (an IntakeRequest points here).
    source: Mapped[str] = mapped_column(String(16))
    case_id: Mapped[int | None] = mapped_column(ForeignKey("case_file.id"), index=True)
    person_name: Mapped[str] = mapped_column(String(100))
    id_number: Mapped[str | None] = mapped_column(String(18))  # pages mask it
    reason: Mapped[str] = mapped_column(Text)
    referred_by_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"))
    referred_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    due_at: Mapped[datetime] = mapped_column(DateTime)
    status: Mapped[str] = mapped_column(String(16), default="pending")
    accepted_at: Mapped[datetime | None] = mapped_column(DateTime)
    answer: Mapped[str | None] = mapped_column(String(16))  # handled | not_ours
    answer_text: Mapped[str | None] = mapped_column(Text)
    answered_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    answered_at: Mapped[datetime | None] = mapped_column(DateTime)
    # The reminder sweep's marks, so each reminder and escalation is sent once.
    reminded_at: Mapped[datetime | None] = mapped_column(DateTime)
    escalated_at: Mapped[datetime | None] = mapped_column(DateTime)

    department: Mapped[OrgUnit] = relationship(foreign_keys=[department_id])
    case: Mapped[Case | None] = relationship(foreign_keys=[case_id])


# A department's open referrals by deadline (its inbox), and the sweep's open referrals by deadline.
Index("ix_referral_department_status", Referral.department_id, Referral.status, Referral.due_at)
Index("ix_referral_status_due", Referral.status, Referral.due_at)
