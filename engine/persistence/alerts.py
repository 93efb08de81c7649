"""监测预警 (docs/alerts.md): an imported batch of alerts, each alert with what it was matched to and the
process it opened, and the households put under monitoring after a verification found them not yet eligible."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Date, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engine.clock import utcnow
from engine.persistence.base import Base
from engine.persistence.cases import Case
from engine.persistence.org import OrgUnit

# Alert.status values that still need someone's work (the register's and dashboard's "open" alerts).
ALERT_OPEN_STATUSES = ("open", "verifying")


class AlertBatch(Base):
    __tablename__ = "alert_batch"

    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[str] = mapped_column(String(64), unique=True)  # the caller's id: a re-import is idempotent
    county_id: Mapped[int] = mapped_column(ForeignKey("org_unit.id"))
    source: Mapped[str] = mapped_column(String(100))
    filename: Mapped[str | None] = mapped_column(String(200))
    content_sha256: Mapped[str] = mapped_column(String(64))
    imported_by_id: Mapped[int] = mapped_column(ForeignKey("app_user.id"))
    imported_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    total_rows: Mapped[int] = mapped_column(Integer)
    imported_rows: Mapped[int] = mapped_column(Integer)  # new alerts
    merged_rows: Mapped[int] = mapped_column(Integer)  # rows merged into an open alert
    rejected_rows: Mapped[int] = mapped_column(Integer)
    report: Mapped[list[Any]] = mapped_column()  # [{"row", "field", "message"}]

    county: Mapped[OrgUnit] = relationship()


class Alert(Base):
    __tablename__ = "alert"

    id: Mapped[int] = mapped_column(primary_key=True)
    batch_id: Mapped[int] = mapped_column(ForeignKey("alert_batch.id"), index=True)
    row: Mapped[int] = mapped_column(Integer)
    county_id: Mapped[int] = mapped_column(ForeignKey("org_unit.id"))
    township_id: Mapped[int | None] = mapped_column(ForeignKey("org_unit.id"))
    village_id: Mapped[int | None] = mapped_column(ForeignKey("org_unit.id"))
    id_number: Mapped[str] = mapped_column(String(18), index=True)
    name: Mapped[str] = mapped_column(String(100))
    members: Mapped[list[Any]] = mapped_column()  # the household's other numbers named by the alert
    indicator: Mapped[str] = mapped_column(String(32))
    level: Mapped[str] = mapped_column(String(8))
    source: Mapped[str] = mapped_column(String(100))
    alerted_on: Mapped[date] = mapped_column(Date)
    imported_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    due_at: Mapped[datetime] = mapped_column(DateTime)
    status: Mapped[str] = mapped_column(String(16), default="open")
    match_kind: Mapped[str] = mapped_column(String(16))  # enrollment | case | none
    enrollment_id: Mapped[int | None] = mapped_column(ForeignKey("enrollment.id"))
    matched_case_id: Mapped[int | None] = mapped_column(ForeignKey("case_file.id"))
    opened_case_id: Mapped[int | None] = mapped_column(ForeignKey("case_file.id"), index=True)
    # Its process: opened in the import, or queued for the worker when a batch opens many (docs/alerts.md);
    # "failed" when the worker could not start it (logged). NULL when the alert opens nothing.
    process_state: Mapped[str | None] = mapped_column(String(8), index=True)
    merged_into_id: Mapped[int | None] = mapped_column(ForeignKey("alert.id"))
    merged_count: Mapped[int] = mapped_column(Integer, default=0)
    outcome: Mapped[str | None] = mapped_column(String(32))
    outcome_note: Mapped[str | None] = mapped_column(Text)
    closed_at: Mapped[datetime | None] = mapped_column(DateTime)

    opened_case: Mapped[Case | None] = relationship(foreign_keys=[opened_case_id])
    matched_case: Mapped[Case | None] = relationship(foreign_keys=[matched_case_id])
    village: Mapped[OrgUnit | None] = relationship(foreign_keys=[village_id])


# The register and the dashboard: a county's alerts by state and deadline.
Index("ix_alert_county_status_due", Alert.county_id, Alert.status, Alert.due_at)


class MonitoredHousehold(Base):
    __tablename__ = "monitored_household"

    id: Mapped[int] = mapped_column(primary_key=True)
    id_number: Mapped[str] = mapped_column(String(18), index=True)
    name: Mapped[str] = mapped_column(String(100))
    village_id: Mapped[int] = mapped_column(ForeignKey("org_unit.id"))
    county_id: Mapped[int] = mapped_column(ForeignKey("org_unit.id"))
    reason: Mapped[str] = mapped_column(Text)
    alert_id: Mapped[int | None] = mapped_column(ForeignKey("alert.id"))
    case_id: Mapped[int | None] = mapped_column(ForeignKey("case_file.id"))
    since: Mapped[date] = mapped_column(Date)
    recheck_on: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16), default="monitoring")
    recheck_alert_id: Mapped[int | None] = mapped_column(ForeignKey("alert.id"))  # set once the re-check opens

    village: Mapped[OrgUnit] = relationship(foreign_keys=[village_id])


Index("ix_monitored_household_status_recheck", MonitoredHousehold.status, MonitoredHousehold.recheck_on)
