"""特困供养 records (docs/tekun.md): the county's random samples of the cases it checks (特认 Art. 16) and the
monthly visits to recipients in dispersed support."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Date, DateTime, ForeignKey, Index, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engine.persistence.base import Base
from engine.persistence.cases import Case
from engine.persistence.notices import Enrollment
from engine.persistence.org import OrgUnit, User


class TekunSample(Base):
    """One draw of the county's ≥ 30 % random sample over the 特困 cases waiting for its check.

    `population` (the waiting case numbers, sorted) and `seed` are enough to draw `selected` again:
    engine.domain.tekun.sampling.draw is a pure function of the two and the ratio, so anyone may
    re-run it and compare (docs/tekun.md#抽查)."""

    __tablename__ = "tekun_sample"

    id: Mapped[int] = mapped_column(primary_key=True)
    county_id: Mapped[int] = mapped_column(ForeignKey("org_unit.id"), index=True)
    drawn_by_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"))
    drawn_at: Mapped[datetime] = mapped_column(DateTime)
    seed: Mapped[str] = mapped_column(String(64))
    ratio: Mapped[str] = mapped_column(String(16))  # the parameter in force, as text ("0.3")
    population: Mapped[list[Any]] = mapped_column()
    selected: Mapped[list[Any]] = mapped_column()

    county: Mapped[OrgUnit] = relationship()
    drawn_by: Mapped[User] = relationship()


class CareVisit(Base):
    """A month's visit to a recipient in 分散供养: opened by the worker as a `tekun_care_visit` case for the
    village, once per enrollment and month (the unique key makes "once" hold with two workers)."""

    __tablename__ = "care_visit"
    __table_args__ = (UniqueConstraint("enrollment_id", "month"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    enrollment_id: Mapped[int] = mapped_column(ForeignKey("enrollment.id"))
    month: Mapped[date] = mapped_column(Date)  # the first day of the month visited
    village_id: Mapped[int] = mapped_column(ForeignKey("org_unit.id"))
    case_id: Mapped[int | None] = mapped_column(ForeignKey("case_file.id"))
    due_on: Mapped[date] = mapped_column(Date)  # the month's last day
    status: Mapped[str] = mapped_column(String(16), default="open")  # open | done
    visited_on: Mapped[date | None] = mapped_column(Date)
    record: Mapped[dict[str, Any] | None] = mapped_column()

    enrollment: Mapped[Enrollment] = relationship()
    village: Mapped[OrgUnit] = relationship()
    case: Mapped[Case | None] = relationship()


# Missed visits on the dashboard: open visits past their due day in a county's villages.
Index("ix_care_visit_status_due", CareVisit.status, CareVisit.due_on, CareVisit.village_id)
Index("ix_care_visit_case", CareVisit.case_id)
