"""The dashboard's task figures: open and claimed tasks, and the overdue among them, by township.

Read from `human_task`, counted at the township of the case's village whoever holds the task (village,
township or county staff); apart from the case figures because a task's deadline is its own `due_at`,
not the case's legal clock.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import case, func, select
from sqlalchemy.orm import Session

from engine.persistence import HumanTask, OrgUnit
from engine.queries.dashboard.model import TaskCounts
from engine.queries.dashboard.scope import Scope, township_keys

OPEN_TASK_STATES = ("open", "claimed")


def tasks(session: Session, scope: Scope, now: datetime) -> list[TaskCounts]:
    """Open and claimed tasks by the township of their case's village."""
    if not scope.villages:
        return []
    overdue = case((HumanTask.due_at < now, 1), else_=0)
    rows = session.execute(
        select(OrgUnit.parent_id, func.count(), func.sum(overdue))
        .select_from(HumanTask)
        .join(OrgUnit, OrgUnit.id == HumanTask.village_id)
        .where(HumanTask.state.in_(OPEN_TASK_STATES), HumanTask.village_id.in_(scope.village_ids))
        .group_by(OrgUnit.parent_id)
    ).all()
    found = {town: (int(n), int(late or 0)) for town, n, late in rows}
    return [TaskCounts(unit.code, unit.name, *found.get(town, (0, 0))) for town, unit in township_keys(scope, found)]
