"""Tasks a transaction made and reads again before it commits.

A Session's identity map holds its objects weakly: a HumanTask that writeback created and flushed, and
that nothing else refers to, is gone from the map by the time the notification hook of the same
transaction looks it up, and `session.get` then reads it back with a SELECT. Kept here (in the session's
`info`, so for that transaction only), it is found without one (docs/benchmarks.md, benchmark 3)."""

from __future__ import annotations

from sqlalchemy.orm import Session

from engine.persistence import HumanTask

_KEPT = "kept_tasks"
_BY_ID = "kept_tasks_by_id"


def keep_task(session: Session, task: HumanTask) -> None:
    session.info.setdefault(_KEPT, []).append(task)


def task(session: Session, task_id: int) -> HumanTask | None:
    """The task by id: one this transaction created, else from the identity map or the database."""
    by_id: dict[int, HumanTask] | None = session.info.get(_BY_ID)
    if by_id is None or task_id not in by_id:  # ids exist once flushed: index what is kept now
        # One a rolled-back savepoint (a timer that failed) took out of the session is not the row any more.
        by_id = session.info[_BY_ID] = {kept.id: kept for kept in session.info.get(_KEPT, ()) if kept in session}
    return by_id.get(task_id) or session.get(HumanTask, task_id)
