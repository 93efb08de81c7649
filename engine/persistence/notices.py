from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import Date, DateTime, ForeignKey, Index, Integer, Numeric, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engine.persistence.base import Base
from engine.persistence.cases import Case
from engine.persistence.org import OrgUnit
from engine.persistence.process import ProcessInstance


class Notice(Base):
    """A 审核公示 entry. Only public fields are stored here (docs/rules.md#public-notice): the masked name, how many
    people the benefit covers, the proposed amount and the village, so the public board reads nothing else."""

    __tablename__ = "notice"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id"), index=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("process_instance.id"))
    village_id: Mapped[int] = mapped_column(ForeignKey("org_unit.id"))
    masked_name: Mapped[str] = mapped_column(String(100))
    persons: Mapped[int] = mapped_column(Integer)
    proposed_amount: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    starts_at: Mapped[datetime] = mapped_column(DateTime)
    ends_at: Mapped[datetime] = mapped_column(DateTime)
    status: Mapped[str] = mapped_column(String(16), default="open")
    # What is proposed: "application" (拟纳入) or "termination" (特困终止公示, 特认 Art. 26).
    kind: Mapped[str] = mapped_column(String(16), default="application", server_default="application")
    closed_at: Mapped[datetime | None] = mapped_column(DateTime)

    case: Mapped[Case] = relationship()
    instance: Mapped[ProcessInstance] = relationship()
    village: Mapped[OrgUnit] = relationship()


# The public board: open notices of one village, newest last.
Index("ix_notice_board", Notice.village_id, Notice.status, Notice.ends_at)
Index("ix_notice_instance", Notice.instance_id, Notice.status)


class Objection(Base):
    """An objection to a notice. `contact` is the objector's own optional contact: never public."""

    __tablename__ = "objection"

    id: Mapped[int] = mapped_column(primary_key=True)
    notice_id: Mapped[int] = mapped_column(ForeignKey("notice.id"), index=True)
    text: Mapped[str] = mapped_column(Text)
    contact: Mapped[str | None] = mapped_column(String(200))
    channel: Mapped[str] = mapped_column(String(16))
    received_at: Mapped[datetime] = mapped_column(DateTime)


class Enrollment(Base):
    """Who is covered, since when, for how much (docs/contracts.md#data-model). Active enrollments are the 公布 list."""

    __tablename__ = "enrollment"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id"), unique=True)
    village_id: Mapped[int] = mapped_column(ForeignKey("org_unit.id"))
    region: Mapped[str] = mapped_column(String(32))
    applicant_name: Mapped[str] = mapped_column(String(100))
    masked_name: Mapped[str] = mapped_column(String(100))
    persons: Mapped[int] = mapped_column(Integer)
    covered_members: Mapped[str | None] = mapped_column(Text)  # 单人户: the names, "、"-joined
    monthly_amount: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    starts_on: Mapped[date] = mapped_column(Date)
    ends_on: Mapped[date | None] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16), default="active")
    created_at: Mapped[datetime] = mapped_column(DateTime)
    # The household as last verified (application, then each re-check), and when it is next re-checked.
    household: Mapped[dict[str, Any] | None] = mapped_column()
    next_review_on: Mapped[date | None] = mapped_column(Date)
    # The last process change applied ("review", "exit_start", "stop" …), so a step is applied once.
    last_change: Mapped[str | None] = mapped_column(String(64))
    # Which benefit: "dibao" (最低生活保障) or "tekun" (特困供养, docs/tekun.md); a re-check starts the
    # programme's own re-check process (engine.domain.vocabulary_tekun.REVIEW_PROCESSES).
    programme: Mapped[str] = mapped_column(String(16), default="dibao", server_default="dibao")
    # 特困 only: {"care_tier", "support_mode" (centralized | dispersed), "carer_name", "carer_phone",
    # "institution", "basic", "care"}, as the last decision set it.
    support: Mapped[dict[str, Any] | None] = mapped_column()

    case: Mapped[Case] = relationship()
    village: Mapped[OrgUnit] = relationship()


Index("ix_enrollment_village", Enrollment.village_id, Enrollment.status)
# Due re-checks: active enrollments by review date.
Index("ix_enrollment_review", Enrollment.status, Enrollment.next_review_on)
# 统计看板: re-checks due and 渐退 ending in a county's villages, counted from the index alone.
Index(
    "ix_enrollment_village_dates",
    Enrollment.village_id,
    Enrollment.status,
    Enrollment.next_review_on,
    Enrollment.ends_on,
)
# 特困 recipients of a county (monthly visits, re-checks), apart from the 低保 ones.
Index("ix_enrollment_programme", Enrollment.programme, Enrollment.status)
