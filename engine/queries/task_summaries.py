"""Reading HumanTask rows into summaries without touching workflow state."""

from __future__ import annotations

from typing import Any

from sqlalchemy import ColumnElement, select
from sqlalchemy.orm import Session, aliased

from engine.persistence import Case, HumanTask, OrgUnit, User
from engine.results import TaskSummary, task_summary

# Built once: constructing aliases per call was a visible share of every task completion.
_UNIT, _VILLAGE = aliased(OrgUnit, name="task_unit"), aliased(OrgUnit, name="task_village")
_ASSIGNEE, _COMPLETER = aliased(User, name="assignee"), aliased(User, name="completer")
_DELEGATE = aliased(User, name="delegate")


def summaries(
    session: Session, *conditions: ColumnElement[bool], order_by: Any = None, limit: int | None = None, offset: int = 0
) -> list[TaskSummary]:
    """HumanTask rows matching `conditions` as summaries, in one joined query (no N+1)."""
    unit, village, assignee, completer, delegate = _UNIT, _VILLAGE, _ASSIGNEE, _COMPLETER, _DELEGATE
    query = (
        select(
            HumanTask,
            Case.number,
            unit.code,
            village.code,
            assignee.username,
            completer.username,
            delegate.username,
            delegate.display_name,
        )
        .join(Case, Case.id == HumanTask.case_id)
        .join(unit, unit.id == HumanTask.org_unit_id)
        .join(village, village.id == HumanTask.village_id)
        .outerjoin(assignee, assignee.id == HumanTask.assignee_id)
        .outerjoin(completer, completer.id == HumanTask.completed_by_id)
        .outerjoin(delegate, delegate.id == HumanTask.delegate_id)
        .where(*conditions)
        .order_by(*(order_by if isinstance(order_by, list | tuple) else [order_by or HumanTask.id]))
        .offset(offset)
    )
    if limit is not None:
        query = query.limit(limit)
    rows = session.execute(query).all()
    return [
        task_summary(t, number, org, vil, who, done_by, (name, display) if name is not None else None)
        for t, number, org, vil, who, done_by, name, display in rows
    ]


def summary_of(task: HumanTask) -> TaskSummary:
    """A summary from a task already in the session (its relations come from the identity map)."""
    return task_summary(
        task,
        task.case.number,
        task.org_unit.code,
        task.village.code,
        task.assignee.username if task.assignee else None,
        task.completed_by.username if task.completed_by else None,
        (task.delegate.username, task.delegate.display_name) if task.delegate else None,
    )
