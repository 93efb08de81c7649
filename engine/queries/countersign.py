"""会签 progress (docs/countersign.md): who has signed a multi-instance task, what, and who is pending.

Read from the HumanTask rows alone (no workflow restore): every member's task carries its member and
the 会签 round it belongs to (`group`, the Spiff id of the multi-instance task), so a 民主评议 held a
second time shows only its own round.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.domain.vocabulary import COUNTERSIGN_STATE_LABELS
from engine.persistence import HumanTask


@dataclass(frozen=True)
class CountersignEntry:
    task_id: int
    member: str
    state: str  # signed | pending | withdrawn (the outcome was decided before this member signed)
    state_label: str
    signed_by: str | None
    signed_at: datetime | None  # naive UTC
    decision: str | None
    decision_label: str | None
    opinion: str | None


@dataclass(frozen=True)
class CountersignProgress:
    member: str  # the member of the task being read
    total: int
    signed: int
    pending: int
    entries: list[CountersignEntry]
    # The member has an account: the task is theirs alone, so it offers no 取消签收 or 转办 (policy refuses both).
    personal: bool = False


_STATES = {"completed": "signed", "open": "pending", "claimed": "pending", "cancelled": "withdrawn"}


def countersign_progress(session: Session, task: HumanTask, form: dict[str, Any] | None) -> CountersignProgress | None:
    """The progress of the 会签 `task` belongs to; None for a task that is not a member's."""
    member = task.member or {}
    group = member.get("group")
    if not group:
        return None
    rows = session.scalars(
        select(HumanTask)
        .where(HumanTask.instance_id == task.instance_id, HumanTask.task_name == task.task_name)
        .order_by(HumanTask.id)
    )
    entries = [_entry(row, form) for row in rows if (row.member or {}).get("group") == group]
    return CountersignProgress(
        member=str(member.get("name") or ""),
        total=len(entries),
        signed=sum(1 for e in entries if e.state == "signed"),
        pending=sum(1 for e in entries if e.state == "pending"),
        entries=entries,
        personal=bool(member.get("username")),
    )


def _entry(row: HumanTask, form: dict[str, Any] | None) -> CountersignEntry:
    state = _STATES.get(row.state, row.state)
    return CountersignEntry(
        task_id=row.id,
        member=str((row.member or {}).get("name") or ""),
        state=state,
        state_label=COUNTERSIGN_STATE_LABELS.get(state, state),
        signed_by=row.completed_by.display_name if row.completed_by is not None else None,
        signed_at=row.completed_at,
        decision=row.decision,
        decision_label=_decision_label(form, row.decision),
        opinion=row.opinion,
    )


def _decision_label(form: dict[str, Any] | None, decision: str | None) -> str | None:
    """The decision in the form's own words (its x-enum-labels)."""
    if decision is None:
        return None
    field = ((form or {}).get("properties") or {}).get("decision")
    labels = field.get("x-enum-labels") if isinstance(field, dict) else None
    return str(labels.get(decision, decision)) if isinstance(labels, dict) else decision
