"""Each running `dibao worker` loop's sign of life (docs/monitoring.md): one row per worker process, written
each round, removed on a clean stop. /metrics shows the age of each row's last_seen."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, Index, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from engine.clock import utcnow
from engine.persistence.base import Base


class WorkerHeartbeat(Base):
    __tablename__ = "worker_heartbeat"

    worker: Mapped[str] = mapped_column(String(128), primary_key=True)  # host:pid
    started_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    last_seen: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    last_round_work: Mapped[int] = mapped_column(Integer, default=0)  # what the last round found to do


# Pruning rows of workers that died without a clean stop looks them up by age.
Index("ix_worker_heartbeat_last_seen", WorkerHeartbeat.last_seen)
