from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column, relationship

from engine.clock import utcnow
from engine.persistence.base import Base
from engine.persistence.cases import Case
from engine.persistence.org import OrgUnit, User


class ProcessDefinition(Base):
    """One deployed version of a process for one region: the files of its bundle and their hash."""

    __tablename__ = "process_definition"
    __table_args__ = (UniqueConstraint("process_id", "region", "version"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    process_id: Mapped[str] = mapped_column(String(64))
    region: Mapped[str] = mapped_column(String(32))
    version: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(200))
    bundle_hash: Mapped[str] = mapped_column(String(64))
    # Deferred: only a process cache miss needs the texts; every other load skips decoding them.
    files: Mapped[dict[str, Any]] = mapped_column(deferred=True)
    deployed_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    deployed_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))


Index("ix_process_definition_lookup", ProcessDefinition.process_id, ProcessDefinition.region, ProcessDefinition.version)


class ProcessInstance(Base):
    __tablename__ = "process_instance"

    id: Mapped[int] = mapped_column(primary_key=True)
    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id"), index=True)
    definition_id: Mapped[int] = mapped_column(ForeignKey("process_definition.id"), index=True)
    status: Mapped[str] = mapped_column(String(16), default="running")
    # gzip-compressed JSON of the workflow state without its spec (the spec lives in the definition).
    state: Mapped[bytes] = mapped_column(LargeBinary)
    lock_version: Mapped[int] = mapped_column(Integer, default=1)
    next_timer_at: Mapped[datetime | None] = mapped_column(DateTime)
    error_message: Mapped[str | None] = mapped_column(Text)
    error_element: Mapped[str | None] = mapped_column(String(100))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)

    definition: Mapped[ProcessDefinition] = relationship(lazy="joined")
    case: Mapped[Case] = relationship()

    # A concurrent writer that loaded an older version gets StaleDataError instead of a lost update.
    __mapper_args__ = {"version_id_col": lock_version}  # noqa: RUF012 - SQLAlchemy reads it at class creation


Index("ix_process_instance_due", ProcessInstance.next_timer_at)
# /metrics counts the instances in error at every scrape (engine/queries/operations_metrics.py).
Index("ix_process_instance_status", ProcessInstance.status)


class HumanTask(Base):
    """A user task that is or was ready. The inbox reads only this table (no workflow restore per row)."""

    __tablename__ = "human_task"
    # Not unique (revision b7e3f0a19c54): a step reopened by 撤回/退回 keeps its engine task id, and gets
    # a new row beside the old one, which stays as history (withdrawn, superseded).
    __table_args__ = (Index("ix_human_task_instance_spiff", "instance_id", "spiff_task_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    instance_id: Mapped[int] = mapped_column(ForeignKey("process_instance.id"))
    case_id: Mapped[int] = mapped_column(ForeignKey("case_file.id"), index=True)
    spiff_task_id: Mapped[str] = mapped_column(String(36))
    task_name: Mapped[str] = mapped_column(String(100))
    title: Mapped[str] = mapped_column(String(200))
    process_id: Mapped[str] = mapped_column(String(64))
    role: Mapped[str] = mapped_column(String(32))
    org_unit_id: Mapped[int] = mapped_column(ForeignKey("org_unit.id"))
    village_id: Mapped[int] = mapped_column(ForeignKey("org_unit.id"))
    form_key: Mapped[str | None] = mapped_column(String(64))
    state: Mapped[str] = mapped_column(String(16), default="open")
    assignee_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    due_at: Mapped[datetime | None] = mapped_column(DateTime)
    completed_at: Mapped[datetime | None] = mapped_column(DateTime)
    completed_by_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    decision: Mapped[str | None] = mapped_column(String(32))
    opinion: Mapped[str | None] = mapped_column(Text)
    # The step's own record: the cleaned form values it was completed with (NULL before revision
    # a7c4e2b19d30). Later steps never open with these; they are shown as "who decided what, when".
    submission: Mapped[dict[str, Any] | None] = mapped_column()
    # 暂存: what the clerk typed without completing, restored when the form opens again.
    draft: Mapped[dict[str, Any] | None] = mapped_column()
    draft_saved_at: Mapped[datetime | None] = mapped_column(DateTime)
    # 委派 (docs/delegation.md): the holder (assignee) handed the claimed task to this colleague to fill in.
    # Delegated while delegate_id is set and handed_back_at is not; both stay on the completed task so its
    # record names who filled it in. Recall, release and 转办 clear all five.
    delegate_id: Mapped[int | None] = mapped_column(ForeignKey("app_user.id"))
    delegated_at: Mapped[datetime | None] = mapped_column(DateTime)
    delegation_note: Mapped[str | None] = mapped_column(Text)
    handed_back_at: Mapped[datetime | None] = mapped_column(DateTime)
    hand_back_note: Mapped[str | None] = mapped_column(Text)
    # Why the step is offered again (docs/withdraw-and-return.md): withdrawn, returned or moved, and the
    # reason given, shown on the task page.
    reopen_kind: Mapped[str | None] = mapped_column(String(16))
    reopen_reason: Mapped[str | None] = mapped_column(Text)
    # 会签: the member this task is for ({"group", "item", "name", "username"}; docs/countersign.md), NULL
    # for every other task. With a username, only that user may work it (engine.policy).
    member: Mapped[dict[str, Any] | None] = mapped_column()

    instance: Mapped[ProcessInstance] = relationship()
    case: Mapped[Case] = relationship()
    # Many-to-one, so repeated access is served from the session's identity map.
    org_unit: Mapped[OrgUnit] = relationship(foreign_keys=[org_unit_id])
    village: Mapped[OrgUnit] = relationship(foreign_keys=[village_id])
    assignee: Mapped[User | None] = relationship(foreign_keys=[assignee_id])
    completed_by: Mapped[User | None] = relationship(foreign_keys=[completed_by_id])
    delegate: Mapped[User | None] = relationship(foreign_keys=[delegate_id])

    @property
    def delegated(self) -> bool:
        """With the delegate now: handed over and not yet handed back."""
        return self.delegate_id is not None and self.handed_back_at is None


# The inbox: open tasks of one org unit, by due date; claimed by me; done by me.
Index("ix_human_task_inbox", HumanTask.org_unit_id, HumanTask.state, HumanTask.due_at, HumanTask.id)
# 超期: open or claimed tasks of one org unit past due, earliest first. The inbox index cannot serve the
# IN over two states in due order; this one stops after the first page (measured: 150 ms → 5 ms).
Index("ix_human_task_overdue", HumanTask.org_unit_id, HumanTask.due_at, HumanTask.state, HumanTask.role)
Index("ix_human_task_assignee", HumanTask.assignee_id, HumanTask.state, HumanTask.due_at)
Index("ix_human_task_done", HumanTask.completed_by_id, HumanTask.completed_at)
Index("ix_human_task_instance", HumanTask.instance_id, HumanTask.state)
# 统计看板: open and overdue tasks of a county's villages, counted from the index alone.
Index("ix_human_task_village_open", HumanTask.village_id, HumanTask.state, HumanTask.due_at)
# 工作台 (engine.queries.inbox) with 100,000 open tasks: its counts, its pages in due, village or case order,
# its step and village filters, the step list and 已办 read these indexes alone (tests/bench/inbox_pages.py).
_OPEN_OF_ROLE = (HumanTask.org_unit_id, HumanTask.state, HumanTask.role)
# case_id last: a due window sorted by applicant joins the case without reading the (wide) task rows.
Index("ix_human_task_role_due", *_OPEN_OF_ROLE, HumanTask.due_at, HumanTask.id, HumanTask.case_id)
Index("ix_human_task_role_step", *_OPEN_OF_ROLE, HumanTask.task_name, HumanTask.village_id, HumanTask.title)
Index("ix_human_task_role_village", *_OPEN_OF_ROLE, HumanTask.village_id, HumanTask.due_at, HumanTask.id)
Index("ix_human_task_role_case", *_OPEN_OF_ROLE, HumanTask.case_id)
Index("ix_human_task_done_state", HumanTask.completed_by_id, HumanTask.state, HumanTask.completed_at, HumanTask.id)
# 委派给我: the claimed tasks delegated to one user.
Index("ix_human_task_delegate", HumanTask.delegate_id, HumanTask.state)
# The reminder sweep (engine.services.reminders): open tasks of every unit due within its window.
Index("ix_human_task_state_due", HumanTask.state, HumanTask.due_at)
