"""The worker loop's heartbeat row (engine/persistence/heartbeat.py): written each round, removed on stop."""

from __future__ import annotations

import os
import socket
from datetime import timedelta

from sqlalchemy import delete
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from engine.clock import utcnow
from engine.persistence import WorkerHeartbeat

STALE_AFTER = timedelta(days=1)  # a row this old belongs to a worker that died without a clean stop


def worker_name() -> str:
    """host:pid, unique among the workers on one database at any moment."""
    return f"{socket.gethostname()}:{os.getpid()}"[:128]


def beat(session: Session, worker: str, work: int) -> None:
    """One statement (an upsert) per round: the row appears on the first round, its last_seen moves on."""
    now = utcnow()
    dialect = postgresql if session.get_bind().dialect.name == "postgresql" else sqlite
    insert = dialect.insert(WorkerHeartbeat).values(worker=worker, started_at=now, last_seen=now, last_round_work=work)
    session.execute(
        insert.on_conflict_do_update(index_elements=["worker"], set_={"last_seen": now, "last_round_work": work})
    )


def prune(session: Session) -> int:
    """Remove the rows of workers unseen for a day; how many went."""
    done = session.execute(delete(WorkerHeartbeat).where(WorkerHeartbeat.last_seen < utcnow() - STALE_AFTER))
    return int(getattr(done, "rowcount", 0) or 0)


def remove(session: Session, worker: str) -> None:
    session.execute(delete(WorkerHeartbeat).where(WorkerHeartbeat.worker == worker))
