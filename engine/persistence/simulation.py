from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import Date, DateTime, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engine.clock import utcnow
from engine.persistence.base import Base
from engine.persistence.org import OrgUnit, User


class SimulationJob(Base):
    """A what-if simulation (docs/policy-simulation.md): what was proposed, how far the background run has
    got, and its result. The parameter sets are stored as the texts that were validated, so a run picked
    up later (by `dibao worker` after a restart) computes exactly what the user was shown as valid."""

    __tablename__ = "simulation_job"

    id: Mapped[int] = mapped_column(primary_key=True)
    region: Mapped[str] = mapped_column(String(32))
    # A county user's simulation covers their county only; NULL for a designer's (the whole region).
    county_id: Mapped[int | None] = mapped_column(ForeignKey("org_unit.id"))
    started_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))  # None: `dibao simulate`
    source: Mapped[str] = mapped_column(String(16))  # "draft" or "typed"
    as_of: Mapped[date] = mapped_column(Date)
    # {"old": [[origin, text], …], "new": [[origin, text], …], "overrides": [[name, value, date], …]}
    proposal: Mapped[dict[str, Any]] = mapped_column()
    changes: Mapped[dict[str, Any]] = mapped_column()  # {"items": [{name, label, old, new}, …]}
    status: Mapped[str] = mapped_column(String(16), default="queued")  # queued, running, done, failed
    total: Mapped[int] = mapped_column(Integer, default=0)
    done: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    started_at: Mapped[datetime | None] = mapped_column(DateTime)
    heartbeat_at: Mapped[datetime | None] = mapped_column(DateTime)  # a run that stops beating is taken over
    finished_at: Mapped[datetime | None] = mapped_column(DateTime)
    error: Mapped[str | None] = mapped_column(Text)
    summary: Mapped[dict[str, Any] | None] = mapped_column()
    # Every affected household, as engine.domain.simulation.ROW_FIELDS lists: loaded only for the CSV and
    # the result tables, never by the progress poll.
    rows: Mapped[dict[str, Any] | None] = mapped_column(deferred=True)

    started_by: Mapped[User | None] = relationship()
    county: Mapped[OrgUnit | None] = relationship()


# The worker's pick: queued (and stalled running) jobs, oldest first.
Index("ix_simulation_job_status", SimulationJob.status, SimulationJob.created_at)
# A user's recent simulations.
Index("ix_simulation_job_started_by", SimulationJob.started_by_id, SimulationJob.created_at)
