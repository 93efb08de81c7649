"""What /metrics reads from the database at each scrape (docs/monitoring.md): one small indexed query each,
so a scrape every 15 seconds costs the database next to nothing."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from engine.clock import utcnow
from engine.context import Context
from engine.persistence import (
    AuditCheckpoint,
    AuditHead,
    IssuedDocument,
    NotificationDelivery,
    ProcessInstance,
    WorkerHeartbeat,
)
from engine.records.document_rendering import MAX_ATTEMPTS

_TIMED = ("running", "waiting")  # the states whose timers the worker fires (engine/services/timers.py)
_PENDING = ("pending", "sending")  # the outbox: not sent yet and not dead (engine/services/notification_delivery.py)


@dataclass(frozen=True)
class OperationsFigures:
    timer_lag_seconds: float  # age of the oldest due timer; 0 when none is due
    instances_in_error: int
    outbox_depth: int
    worker_heartbeat_age: dict[str, float]  # worker (host:pid) → seconds since its last round
    audit_chain_length: int  # the audit head's seq
    last_checkpoint_seq: int  # 0: no checkpoint yet
    last_checkpoint_time: float  # Unix seconds of its signing; 0: none
    documents_unprinted: int  # issued documents whose PDF the worker has not printed yet
    documents_print_failed: int  # of those, the ones the worker gave up on (MAX_ATTEMPTS failed prints)


def _age(now: datetime, moment: datetime | None) -> float:
    return max((now - moment).total_seconds(), 0.0) if moment is not None else 0.0


def _epoch(moment: datetime) -> float:
    return (moment - datetime(1970, 1, 1)).total_seconds()


def _timer_lag(session: Session, now: datetime) -> float:
    oldest = session.scalar(
        select(func.min(ProcessInstance.next_timer_at)).where(
            ProcessInstance.next_timer_at <= now, ProcessInstance.status.in_(_TIMED)
        )
    )
    return _age(now, oldest)


def operations_figures(ctx: Context) -> OperationsFigures:
    now = utcnow()
    with ctx.db.read() as session:
        lag = _timer_lag(session, now)
        in_error = session.scalar(
            select(func.count()).select_from(ProcessInstance).where(ProcessInstance.status == "error")
        )
        outbox = session.scalar(
            select(func.count()).select_from(NotificationDelivery).where(NotificationDelivery.status.in_(_PENDING))
        )
        beats = session.execute(select(WorkerHeartbeat.worker, WorkerHeartbeat.last_seen)).all()
        head = session.scalar(select(AuditHead.seq).where(AuditHead.id == 1))
        unprinted, failed = session.execute(
            select(func.count(), func.count().filter(IssuedDocument.render_attempts >= MAX_ATTEMPTS)).where(
                IssuedDocument.sha256.is_(None)
            )
        ).one()
        checkpoint = session.execute(
            select(AuditCheckpoint.seq, AuditCheckpoint.signed_at).order_by(AuditCheckpoint.id.desc()).limit(1)
        ).first()
    return OperationsFigures(
        timer_lag_seconds=lag,
        instances_in_error=int(in_error or 0),
        outbox_depth=int(outbox or 0),
        worker_heartbeat_age={worker: _age(now, seen) for worker, seen in beats},
        audit_chain_length=int(head or 0),
        last_checkpoint_seq=int(checkpoint[0]) if checkpoint else 0,
        last_checkpoint_time=_epoch(checkpoint[1]) if checkpoint else 0.0,
        documents_unprinted=int(unprinted or 0),
        documents_print_failed=int(failed or 0),
    )
