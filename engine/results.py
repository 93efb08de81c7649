"""What services return: plain frozen dataclasses, never ORM objects (they outlive the session)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from engine.clock import utcnow
from engine.domain.roles import role_label
from engine.persistence import Case, HumanTask

# The hash before the first audit event (engine.records.audit_chain).
GENESIS_HASH = "0" * 64


@dataclass(frozen=True)
class TaskSummary:
    id: int
    case_number: str
    process_id: str
    task_name: str
    title: str
    role: str
    org_unit: str
    village: str
    state: str
    assignee: str | None
    created_at: datetime
    due_at: datetime | None
    completed_at: datetime | None
    completed_by: str | None
    decision: str | None
    opinion: str | None
    delegation: Delegation | None = None  # 委派 (docs/delegation.md), while delegated or after the hand-back

    @property
    def overdue(self) -> bool:
        return self.state in ("open", "claimed") and self.due_at is not None and self.due_at < utcnow()

    @property
    def completed_late(self) -> bool:
        """Done after its due date: e.g. a rejection notice sent more than 3 working days after the decision."""
        return self.completed_at is not None and self.due_at is not None and self.completed_at > self.due_at


def task_summary(
    task: HumanTask,
    case_number: str,
    org_code: str,
    village_code: str,
    assignee: str | None = None,
    completed_by: str | None = None,
    delegate: tuple[str, str] | None = None,
) -> TaskSummary:
    """`delegate`: the delegate's (username, display name) when the task has one."""
    return TaskSummary(
        task.id,
        case_number,
        task.process_id,
        task.task_name,
        task.title,
        task.role,
        org_code,
        village_code,
        task.state,
        assignee,
        task.created_at,
        task.due_at,
        task.completed_at,
        completed_by,
        task.decision,
        task.opinion,
        delegation_of(task, delegate),
    )


# --- 委派 (delegation, issue 14 part 5) ------------------------------------------------------------------
@dataclass(frozen=True)
class Delegation:
    """The holder handed the claimed task to `delegate` to fill in; `handed_back_at` once it came back."""

    delegate: str  # username
    delegate_name: str  # display name
    delegated_at: datetime
    note: str | None
    handed_back_at: datetime | None
    hand_back_note: str | None

    @property
    def active(self) -> bool:
        return self.handed_back_at is None


def delegation_of(task: HumanTask, delegate: tuple[str, str] | None) -> Delegation | None:
    if delegate is None or task.delegate_id is None or task.delegated_at is None:
        return None
    return Delegation(
        delegate[0], delegate[1], task.delegated_at, task.delegation_note, task.handed_back_at, task.hand_back_note
    )


@dataclass(frozen=True)
class LegalClock:
    started_on: date
    limit_days: int
    due_on: date
    working_days_used: int
    stopped: bool  # decided: the clock no longer runs
    overdue: bool
    extension_reason: str | None


@dataclass(frozen=True)
class NoticeView:
    """A 公示 entry: public fields only."""

    id: int
    village: str
    village_name: str
    masked_name: str
    persons: int
    proposed_amount: str
    starts_at: datetime
    ends_at: datetime
    status: str
    kind: str = "application"  # "termination": a 特困 终止公示, whose amount is the basic standard only


@dataclass(frozen=True)
class EnrollmentView:
    status: str
    monthly_amount: str
    persons: int
    covered_members: str | None
    starts_on: date
    ends_on: date | None


@dataclass(frozen=True)
class CaseView:
    number: str
    kind: str
    region: str
    village: str
    status: str
    stage: str | None
    created_at: datetime
    process_version: int
    bundle_hash: str
    instance_status: str
    error_message: str | None
    next_timer_at: datetime | None
    data: dict[str, Any]
    tasks: list[TaskSummary] = field(default_factory=list)
    decided_amount: str | None = None
    outcome: str | None = None
    decided_at: datetime | None = None
    legal_clock: LegalClock | None = None
    assessment: dict[str, Any] | None = None
    notices: list[NoticeView] = field(default_factory=list)
    enrollment: EnrollmentView | None = None

    @classmethod
    def build(
        cls,
        case: Case,
        version: int,
        bundle_hash: str,
        instance_status: str,
        error: str | None,
        next_timer_at: datetime | None,
        data: dict[str, Any],
        tasks: list[TaskSummary],
    ) -> CaseView:
        amount = f"{case.decided_amount:.2f}" if case.decided_amount is not None else None
        return cls(
            case.number,
            case.kind,
            case.region,
            case.village.code,
            case.status,
            case.stage,
            case.created_at,
            version,
            bundle_hash,
            instance_status,
            error,
            next_timer_at,
            data,
            tasks,
            amount,
        )


@dataclass(frozen=True)
class TaskDetail:
    summary: TaskSummary
    form_key: str | None
    form: dict[str, Any] | None
    data: dict[str, Any]  # what the form opens with: the task's 暂存 draft, else its declared prefill
    earlier_opinions: list[TaskSummary]
    draft_saved_at: datetime | None = None  # naive UTC; set when `data` is the task's own 暂存 draft


@dataclass(frozen=True)
class ContextItem:
    """One fact a deciding step shows: a Chinese label and its value as text (money with 元)."""

    label: str
    value: str


@dataclass(frozen=True)
class ContextGroup:
    """A repeated record inside a panel: one household member, one objection, one home visit."""

    title: str
    items: list[ContextItem]


@dataclass(frozen=True)
class ContextPanel:
    """A decision-context panel (docs/decision-context.md): `name` is the key the BPMN lists, `title` its
    Chinese heading, `basis` the assessment's 计算依据 lines, `empty` what the page says when there is
    nothing yet to show."""

    name: str
    title: str
    items: list[ContextItem] = field(default_factory=list)
    groups: list[ContextGroup] = field(default_factory=list)
    basis: list[str] = field(default_factory=list)
    empty: str | None = None


@dataclass(frozen=True)
class CompletionResult:
    task: TaskSummary
    case_number: str
    case_status: str
    stage: str | None
    new_tasks: list[TaskSummary]


@dataclass(frozen=True)
class SignedInUser:
    username: str
    display_name: str
    roles: tuple[str, ...]
    org_unit_code: str
    org_unit_name: str
    org_unit_level: str

    @property
    def role_labels(self) -> tuple[str, ...]:
        return tuple(role_label(r) for r in self.roles)


@dataclass(frozen=True)
class OrgUnitRef:
    code: str
    name: str


@dataclass(frozen=True)
class Person:
    username: str
    display_name: str


@dataclass(frozen=True)
class DeployedVersion:
    process_id: str
    region: str
    version: int
    title: str
    bundle_hash: str
    deployed_at: datetime
    deployed_by: str | None
    new: bool = False


@dataclass(frozen=True)
class VerifyResult:
    ok: bool
    events_checked: int
    first_broken: int | None  # seq of the first event that does not fit
    reason: str | None = None
    head_seq: int = 0  # the head the chain was checked against (seq and hash of its last event)
    head_hash: str = GENESIS_HASH


@dataclass(frozen=True)
class AttachmentView:
    id: int
    number: str
    case_number: str
    task_id: int | None
    task_title: str | None
    filename: str
    content_type: str
    size: int
    sha256: str
    uploaded_by: str
    uploaded_by_name: str
    uploaded_at: datetime  # naive UTC
    description: str | None

    @property
    def size_text(self) -> str:
        return format_size(self.size)


def format_size(size: int) -> str:
    """Bytes as people read them: 512 字节, 35 KB, 1.2 MB (binary units, as the limit is set)."""
    if size < 1024:
        return f"{size} 字节"
    if size < 1024 * 1024:
        return f"{size / 1024:.0f} KB"
    megabytes = size / (1024 * 1024)
    return f"{megabytes:.0f} MB" if megabytes == int(megabytes) else f"{megabytes:.1f} MB"
