"""Firing due timers (docs/contracts.md#timers): `dibao tick` once, `dibao worker` in a loop (services.worker)."""

from __future__ import annotations

import logging
from datetime import datetime

from sqlalchemy import ColumnElement, and_, select
from sqlalchemy.orm import Session, joinedload

from engine.clock import utcnow
from engine.context import Context
from engine.errors import WorkflowFailed
from engine.persistence import ProcessInstance
from engine.records import audit
from engine.records.advancing import Advance
from engine.records.writeback import park

log = logging.getLogger("dibao.timers")
BATCH = 50
INTERNAL_ERROR = "定时器处理时发生内部错误，已暂停该流程实例，请管理员查看日志后重试"


def _is_due(now: datetime) -> ColumnElement[bool]:
    return and_(ProcessInstance.next_timer_at <= now, ProcessInstance.status.in_(("running", "waiting")))


def _due_ids(ctx: Context, now: datetime, limit: int | None) -> list[int]:
    """The instances due at the start of the sweep, each visited once even if its timer does not move."""
    with ctx.db.read() as session:
        query = (
            select(ProcessInstance.id).where(_is_due(now)).order_by(ProcessInstance.next_timer_at, ProcessInstance.id)
        )
        return list(session.scalars(query.limit(limit) if limit is not None else query))


def _claim(ctx: Context, session: Session, now: datetime, ids: list[int]) -> list[ProcessInstance]:
    # "Still due" is checked again under the lock: what another worker fired meanwhile drops out.
    query = (
        select(ProcessInstance)
        .where(ProcessInstance.id.in_(ids), _is_due(now))
        .order_by(ProcessInstance.next_timer_at, ProcessInstance.id)
        .options(joinedload(ProcessInstance.case, innerjoin=True))
    )
    if ctx.db.is_postgres:
        # Another worker's rows are skipped, never waited for and never processed twice.
        query = query.with_for_update(skip_locked=True, of=ProcessInstance)
    return list(session.scalars(query))


def tick(ctx: Context, limit: int | None = None) -> int:
    """Process every instance whose timer is due now, once; return how many were processed.

    Instances are claimed in batches (one transaction each), and each fires inside a savepoint of its
    own: a failure (a script of one region's draft, an unstorable value, a bug) rolls back that
    instance alone, which is parked in `error` and audited in the same transaction, while the others
    of the batch are committed. Designer code runs in the engine host's child processes, so nothing
    it does can end this loop."""
    now, processed = utcnow(), 0
    due = _due_ids(ctx, now, limit)
    for start in range(0, len(due), BATCH):
        with ctx.db.write() as session:
            for instance in _claim(ctx, session, now, due[start : start + BATCH]):
                _fire_alone(ctx, session, instance)
                processed += 1
    return processed


def _fire_alone(ctx: Context, session: Session, instance: ProcessInstance) -> None:
    try:
        with session.begin_nested():
            _fire(ctx, session, instance)
    except WorkflowFailed as failure:
        log.error("流程实例 %s 定时器处理失败：%s", instance.id, failure.message)
        park(session, instance, failure)
    except Exception:
        # Not designer code (that fails as WorkflowFailed): a bug of ours or the database. Park the
        # instance so the sweep does not meet it again on every pass, and leave the details in the log.
        log.exception("流程实例 %s 定时器处理时发生内部错误", instance.id)
        park(session, instance, WorkflowFailed(INTERNAL_ERROR))


def _fire(ctx: Context, session: Session, instance: ProcessInstance) -> None:
    """Restore, advance and persist; a failure raises before anything of this instance is written."""
    step = Advance(ctx, session)  # inside the batch transaction, in its own savepoint
    due = instance.next_timer_at
    run = step.begin(instance)
    run.advance()
    details = {"due_at": due.isoformat() if due else None}
    audit.record(
        session, "timer_fired", audit.SYSTEM, case_id=instance.case_id, instance_id=instance.id, details=details
    )
    step.finish(instance.case, run)
