"""What the auditor's reads return: the dossier and its parts, the auditor's desk, the personal-data report.

Plain frozen records with no queries behind them, kept apart so that the page, the exports and the CLI
can name the shapes without importing how they are built.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any

from engine.domain.vocabulary import INSTANCE_STATUS_LABELS
from engine.queries.household_copy import HouseholdCheck
from engine.queries.step_records import StepRecord
from engine.results import VerifyResult


@dataclass(frozen=True)
class Change:
    """One value an event changed. `before`/`after` as recorded; the texts are for reading."""

    field: str
    label: str
    before: Any
    after: Any
    before_text: str
    after_text: str


@dataclass(frozen=True)
class DossierEvent:
    seq: int
    occurred_at: datetime  # naive UTC, as stored
    time: str  # Beijing time
    action: str
    description: str
    actor_username: str | None
    actor_name: str  # display name, 系统 or 公众
    role: str | None
    role_label: str
    org_code: str | None
    org_name: str
    task_id: int | None
    instance_id: int | None
    process: str  # "process_id v<version>" of the instance the event belongs to
    bundle_hash: str | None
    changes: list[Change]
    details: dict[str, Any]
    hash: str
    prev_hash: str


@dataclass(frozen=True)
class CalledProcess:
    process_id: str
    title: str
    reached: bool  # the case has entered it


@dataclass(frozen=True)
class ProcessInForce:
    """The deployed definition an instance of the case runs on (instances keep the version they started with)."""

    instance_id: int
    process_id: str
    title: str
    region: str
    version: int
    bundle_hash: str
    deployed_at: datetime
    deployed_by: str | None
    instance_status: str
    started_at: datetime
    called: list[CalledProcess]

    @property
    def instance_status_label(self) -> str:
        return INSTANCE_STATUS_LABELS.get(self.instance_status, self.instance_status)


@dataclass(frozen=True)
class TimerFired:
    seq: int
    occurred_at: datetime
    time: str
    due_at: str


@dataclass(frozen=True)
class ObjectionEntry:
    objection_id: int
    notice_id: int
    received_at: datetime
    time: str
    channel: str
    text: str
    contact_given: bool  # the contact itself is the objector's, never shown


@dataclass(frozen=True)
class PiiView:
    seq: int
    occurred_at: datetime
    time: str
    case_number: str
    action: str
    actor_username: str | None
    actor_name: str
    role_label: str
    org_name: str
    what: str
    reason: str


@dataclass(frozen=True)
class CaseFacts:
    number: str
    kind: str
    process_title: str
    applicant_name: str | None
    region: str
    village_name: str
    township_name: str | None
    county_name: str | None
    status: str
    stage: str | None
    outcome: str | None
    outcome_label: str | None
    decided_amount: str | None
    decided_at: datetime | None
    created_at: datetime
    created_by: str | None
    closed_at: datetime | None
    clock_started_at: datetime | None
    clock_limit_days: int | None
    clock_extension_reason: str | None
    related_case: str | None


@dataclass(frozen=True)
class Dossier:
    facts: CaseFacts
    processes: list[ProcessInForce]
    events: list[DossierEvent]
    timers: list[TimerFired]
    objections: list[ObjectionEntry]
    pii_views: list[PiiView]
    verification: VerifyResult
    generated_at: datetime
    generated_by: str
    steps: list[StepRecord] = field(default_factory=list)  # 办理记录: what each step was completed with
    # 入户调查 / 复核调查 steps with the household differences they stored (docs/household-copy.md)
    household_checks: tuple[HouseholdCheck, ...] = ()

    @property
    def verification_text(self) -> str:
        return verification_text(self.verification)


@dataclass(frozen=True)
class AuditorDesk:
    """Who is at the auditor workspace and which unit's cases they see."""

    username: str
    display_name: str
    org_unit_name: str


@dataclass(frozen=True)
class PiiReport:
    rows: list[PiiView]
    since: date | None
    until: date | None
    include_audit_reads: bool
    truncated: bool  # more rows matched than PII_REPORT_LIMIT


def verification_text(result: VerifyResult) -> str:
    """The result in one plain sentence (the dossier page, its exports and the CLI say the same)."""
    if result.ok:
        return f"✓ 本案 {result.events_checked} 条记录完整未被篡改"
    return f"✗ 第 {result.first_broken} 条记录被篡改：{result.reason}"
