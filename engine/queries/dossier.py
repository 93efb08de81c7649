"""审计档案: an auditor's read-only view of one case (design.md §1: trace any case — who did what, when,
with which data, under which process version — and prove the history was not altered).

Only the auditor and admin roles open it, and only for cases of their own org unit's subtree (the rule
cases.check_may_see_case applies to every case page). Everything comes from columns and the audit log;
the one write is the audit event recording that the dossier was opened or exported
(`audit.dossier_viewed`, `audit.exported`), so auditors' own reads stay traceable.

Chain verification for one case checks what can be checked without the whole chain: each of the case's
events against its own stored hash, its link to the event before it (which may belong to another case)
and the link of the event after it. Deleting a whole event of the case is only visible to the
full-chain check (`audit.verify`, the "校验全部" button, `dibao audit verify`).
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import asdict, dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import ColumnElement, Text, cast, false, or_, select
from sqlalchemy.orm import Session

from engine.clock import CHINA, to_china, to_utc, utcnow
from engine.context import Context
from engine.domain.roles import ROLE_LABELS, Level
from engine.errors import InvalidData, PermissionDenied
from engine.lookups import get_case, get_user
from engine.persistence import (
    AuditEvent,
    AuditHead,
    Case,
    HumanTask,
    Notice,
    Objection,
    OrgUnit,
    ProcessInstance,
    User,
)
from engine.policy import AUDIT_ROLES, check_may_see_case
from engine.queries.case_page import (
    CHANNEL_LABELS,
    ENROLLMENT_LABELS,
    EXPORT_LABELS,
    FIELD_LABELS,
    OUTCOME_LABELS,
    SENTENCES,
    Describe,
)
from engine.queries.diagrams import bundle_processes
from engine.queries.task_summaries import summaries
from engine.records import audit
from engine.records.audit_chain import ChainSeal, Row, event_row, seal_of
from engine.results import GENESIS_HASH, TaskSummary, VerifyResult
from forms import FormDefinition

DOSSIER_VIEWED = "audit.dossier_viewed"
EXPORTED = "audit.exported"
PII_VIEWED = "pii_viewed"
EXPORT_FORMATS = EXPORT_LABELS
# As access.case_history: the keyed hash of an objector's address serves the rate limit, not readers.
_PRIVATE_DETAILS = frozenset({"client"})
PII_REPORT_LIMIT = 500
_LINK_CHUNK = 500  # seqs per IN (…) when fetching neighbouring events (SQLite's parameter limit)

INSTANCE_STATUS_LABELS = {
    "running": "办理中",
    "waiting": "等待中",
    "completed": "已办结",
    "error": "出错",
    "cancelled": "已撤销",
}
_ENROLLMENT_FIELDS = {"status": "保障状态", "monthly_amount": "每月保障金额（元）", "ends_on": "渐退截止日期"}
_OWN_SENTENCES: dict[str, Describe] = {
    DOSSIER_VIEWED: lambda e, d, title, f: "查阅本案审计档案（身份证号遮蔽显示）",
    EXPORTED: lambda e, d, title, f: f"导出本案审计档案（{EXPORT_FORMATS.get(str(d.get('format')), d.get('format'))}）",
}


# --- what the dossier holds ----------------------------------------------------------------------


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


# --- entry points ----------------------------------------------------------------------------------


def auditor_desk(ctx: Context, username: str) -> AuditorDesk:
    """PermissionDenied unless the user holds the auditor or admin role."""
    with ctx.db.read() as session:
        user = _auditor(session, username)
        return AuditorDesk(user.username, user.display_name, user.org_unit.name)


def dossier(ctx: Context, username: str, number: str, export: str | None = None) -> Dossier:
    """The case's dossier, as it stood before this read; recorded as `audit.dossier_viewed`, or as
    `audit.exported` with `export` (a key of EXPORT_FORMATS) in the same transaction, so no dossier
    leaves without its trace."""
    if export is not None and export not in EXPORT_FORMATS:
        raise InvalidData("导出格式有误", {"format": [f"导出格式：不支持 {export}"]})
    with ctx.db.write() as session:
        user, case = _case_for_auditor(session, username, number)
        built = _build(ctx, session, user, case)
        _record_read(session, user, case, export)
        return built


def verify_case(ctx: Context, username: str, number: str) -> VerifyResult:
    """The chain check restricted to this case's events (see the module docstring). Reads only."""
    with ctx.db.read() as session:
        _, case = _case_for_auditor(session, username, number)
        rows = [row for _, row in _event_rows(session, case)]
        return _verify_case_rows(session, rows)


EVENT_CSV_HEADER = [
    "序号",
    "时间（北京时间）",
    "操作人",
    "用户名",
    "角色",
    "机构",
    "事件代码",
    "说明",
    "变更数据（原值 → 新值）",
    "流程及版本",
    "流程包哈希",
    "事件哈希",
]


def events_csv(ctx: Context, username: str, number: str) -> list[list[str]]:
    """The case's events as CSV rows (header first), recorded as `audit.exported` (format csv)."""
    built = dossier(ctx, username, number, export="csv")
    rows = [list(EVENT_CSV_HEADER)]
    for e in built.events:
        changes = "；".join(f"{c.label}：{c.before_text} → {c.after_text}" for c in e.changes)
        rows.append(
            [
                str(e.seq),
                e.time,
                e.actor_name,
                e.actor_username or "",
                e.role_label,
                e.org_name,
                e.action,
                e.description,
                changes,
                e.process,
                e.bundle_hash or "",
                e.hash,
            ]
        )
    return rows


def pii_views(
    ctx: Context,
    username: str,
    since: date | None = None,
    until: date | None = None,
    *,
    include_audit_reads: bool = False,
) -> PiiReport:
    """Who viewed which case's personal data when, with the reason given, for the cases of the auditor's
    unit, newest first; `since`/`until` are Beijing dates, both inclusive. With `include_audit_reads`,
    auditors' own dossier views and exports (masked data) are listed too."""
    if since is not None and until is not None and until < since:
        raise InvalidData("查询条件有误", {"until": ["截止日期：不能早于起始日期"]})
    actions = [PII_VIEWED, DOSSIER_VIEWED, EXPORTED] if include_audit_reads else [PII_VIEWED]
    with ctx.db.read() as session:
        user = _auditor(session, username)
        conditions = [AuditEvent.action.in_(actions), _scope(user)]
        if since is not None:
            conditions.append(AuditEvent.occurred_at >= _china_midnight(since))
        if until is not None:
            conditions.append(AuditEvent.occurred_at < _china_midnight(until + timedelta(days=1)))
        found = session.execute(
            select(AuditEvent, Case.number)
            .join(Case, Case.id == AuditEvent.case_id)
            .where(*conditions)
            .order_by(AuditEvent.seq.desc())
            .limit(PII_REPORT_LIMIT + 1)
        ).all()
        events = [event for event, _ in found]
        people, orgs = _people(session, events), _org_names(session, events)
        rows = [_pii_view(event, str(case_number), people, orgs) for event, case_number in found]
        return PiiReport(
            rows[:PII_REPORT_LIMIT], since, until, include_audit_reads, truncated=len(rows) > PII_REPORT_LIMIT
        )


PII_CSV_HEADER = ["序号", "时间（北京时间）", "查看人", "用户名", "角色", "机构", "案件编号", "查看内容", "理由"]


def pii_views_csv(
    ctx: Context,
    username: str,
    since: date | None = None,
    until: date | None = None,
    *,
    include_audit_reads: bool = False,
) -> list[list[str]]:
    """The report as CSV rows (header first), recorded as `audit.exported` (format pii_csv)."""
    report = pii_views(ctx, username, since, until, include_audit_reads=include_audit_reads)
    with ctx.db.write() as session:
        user = _auditor(session, username)
        audit.record(
            session,
            EXPORTED,
            audit.Actor.of(user, _audit_role(user)),
            details={
                "format": "pii_csv",
                "since": since.isoformat() if since else None,
                "until": until.isoformat() if until else None,
                "rows": len(report.rows),
            },
        )
    rows = [list(PII_CSV_HEADER)]
    rows += [
        [
            str(v.seq),
            v.time,
            v.actor_name,
            v.actor_username or "",
            v.role_label,
            v.org_name,
            v.case_number,
            v.what,
            v.reason,
        ]
        for v in report.rows
    ]
    return rows


def as_json(value: Dossier) -> dict[str, Any]:
    """The dossier as JSON-ready data (timestamps as ISO text, naive UTC), with the verification sentence."""
    data: dict[str, Any] = _plain(asdict(value))
    data["verification"]["text"] = value.verification_text
    data["format"] = "dibao-dossier/1"
    return data


# --- building ----------------------------------------------------------------------------------------


def _auditor(session: Session, username: str) -> User:
    user = get_user(session, username)
    if not user.roles & AUDIT_ROLES:
        raise PermissionDenied("无权使用审计功能：需要审计或系统管理角色")
    return user


def _audit_role(user: User) -> str:
    return min(user.roles & AUDIT_ROLES)


def _case_for_auditor(session: Session, username: str, number: str) -> tuple[User, Case]:
    user = _auditor(session, username)
    case = get_case(session, number)
    check_may_see_case(user, case)  # the auditor's own unit and below, as on every case page
    return user, case


def _record_read(session: Session, user: User, case: Case, export: str | None) -> None:
    audit.record(
        session,
        EXPORTED if export else DOSSIER_VIEWED,
        audit.Actor.of(user, _audit_role(user)),
        case_id=case.id,
        details={"case_number": case.number, **({"format": export} if export else {})},
    )


def _build(ctx: Context, session: Session, user: User, case: Case) -> Dossier:
    pairs = _event_rows(session, case)
    events = [event for event, _ in pairs]
    instances = _instances(session, case, events)
    forms = {i.id: ctx.process(i.definition).forms for i in instances.values()}
    tasks = {t.id: t for t in summaries(session, HumanTask.case_id == case.id, order_by=HumanTask.id)}
    people, orgs = _people(session, events), _org_names(session, events)
    own = [i for i in instances.values() if i.case_id == case.id]
    return Dossier(
        facts=_facts(session, case, own),
        processes=[_in_force(ctx, session, i) for i in own],
        events=[_event(e, tasks, forms, instances, people, orgs) for e in events],
        timers=[
            TimerFired(e.seq, e.occurred_at, _china(e.occurred_at), _china_text(e.details.get("due_at")))
            for e in events
            if e.action == "timer_fired"
        ],
        objections=_objections(session, case),
        pii_views=[
            _pii_view(e, case.number, people, orgs)
            for e in events
            if e.action in (PII_VIEWED, DOSSIER_VIEWED, EXPORTED)
        ],
        verification=_verify_case_rows(session, [row for _, row in pairs]),
        generated_at=utcnow(),
        generated_by=user.username,
    )


# The details exactly as stored: the hash covers that text (audit_chain), not a re-serialised value.
_DETAILS_TEXT = cast(AuditEvent.details, Text).label("details_text")


def _event_rows(session: Session, case: Case) -> list[tuple[AuditEvent, Row]]:
    """The case's events, oldest first, each with the row its hash covers (details as the stored text)."""
    found = session.execute(
        select(AuditEvent, _DETAILS_TEXT).where(AuditEvent.case_id == case.id).order_by(AuditEvent.seq)
    ).all()
    return [(event, event_row(event, str(text))) for event, text in found]


def _instances(session: Session, case: Case, events: Sequence[AuditEvent]) -> dict[int, ProcessInstance]:
    """The case's own instances and any other one its events name (a re-check changing its enrollment)."""
    named = {e.instance_id for e in events if e.instance_id is not None}
    query = (
        select(ProcessInstance)
        .where(or_(ProcessInstance.case_id == case.id, ProcessInstance.id.in_(named)))
        .order_by(ProcessInstance.id)
    )
    return {i.id: i for i in session.scalars(query)}


def _facts(session: Session, case: Case, instances: Sequence[ProcessInstance]) -> CaseFacts:
    units = {
        u.id: u for u in session.scalars(select(OrgUnit).where(OrgUnit.id.in_([case.township_id, case.county_id])))
    }
    creator = session.get(User, case.created_by_id) if case.created_by_id else None
    related = session.get(Case, case.related_case_id) if case.related_case_id else None
    title = instances[-1].definition.title if instances else case.kind
    township = units.get(case.township_id) if case.township_id else None
    county = units.get(case.county_id) if case.county_id else None
    return CaseFacts(
        number=case.number,
        kind=case.kind,
        process_title=title,
        applicant_name=case.applicant_name,
        region=case.region,
        village_name=case.village.name,
        township_name=township.name if township else None,
        county_name=county.name if county else None,
        status=case.status,
        stage=case.stage,
        outcome=case.outcome,
        outcome_label=OUTCOME_LABELS.get(case.outcome, case.outcome) if case.outcome else None,
        decided_amount=f"{case.decided_amount:.2f}" if case.decided_amount is not None else None,
        decided_at=case.decided_at,
        created_at=case.created_at,
        created_by=f"{creator.display_name}（{creator.username}）" if creator else None,
        closed_at=case.closed_at,
        clock_started_at=case.clock_started_at,
        clock_limit_days=case.clock_limit_days,
        clock_extension_reason=case.clock_extension_reason,
        related_case=related.number if related else None,
    )


def _in_force(ctx: Context, session: Session, instance: ProcessInstance) -> ProcessInForce:
    definition = instance.definition
    sources = bundle_processes(definition)
    reached = ctx.process(definition).restore(instance.state).element_states() if instance.state else {}
    called: list[str] = []
    pending = [definition.process_id]
    while pending:  # every process the case's process may call, directly or through another call
        source = sources.get(pending.pop(0))
        for target in source.calls.values() if source else ():
            if target in sources and target not in called and target != definition.process_id:
                called.append(target)
                pending.append(target)
    deployer = session.get(User, definition.deployed_by_id) if definition.deployed_by_id else None
    return ProcessInForce(
        instance_id=instance.id,
        process_id=definition.process_id,
        title=definition.title,
        region=definition.region,
        version=definition.version,
        bundle_hash=definition.bundle_hash,
        deployed_at=definition.deployed_at,
        deployed_by=deployer.username if deployer else None,
        instance_status=instance.status,
        started_at=instance.created_at,
        called=[CalledProcess(pid, sources[pid].title, bool(reached.get(pid))) for pid in called],
    )


def _event(
    event: AuditEvent,
    tasks: Mapping[int, TaskSummary],
    forms: Mapping[int, Mapping[str, FormDefinition]],
    instances: Mapping[int, ProcessInstance],
    people: Mapping[int, User],
    orgs: Mapping[str, str],
) -> DossierEvent:
    details = {k: v for k, v in (event.details or {}).items() if k not in _PRIVATE_DETAILS}
    instance = instances.get(event.instance_id) if event.instance_id is not None else None
    event_forms = forms.get(instance.id, {}) if instance is not None else {}
    definition = instance.definition if instance is not None else None
    return DossierEvent(
        seq=event.seq,
        occurred_at=event.occurred_at,
        time=_china(event.occurred_at),
        action=event.action,
        description=_describe(event, details, tasks, event_forms),
        actor_username=event.actor_name,
        actor_name=_actor_name(event, people),
        role=event.actor_role,
        role_label=ROLE_LABELS.get(event.actor_role or "", event.actor_role or "—"),
        org_code=event.actor_org,
        org_name=orgs.get(event.actor_org or "", event.actor_org or "—"),
        task_id=event.task_id,
        instance_id=event.instance_id,
        process=f"{definition.process_id} v{definition.version}" if definition else "—",
        bundle_hash=definition.bundle_hash if definition else None,
        changes=_changes(event.action, details, event_forms),
        details=details,
        hash=event.hash,
        prev_hash=event.prev_hash,
    )


def _describe(
    event: AuditEvent,
    details: dict[str, Any],
    tasks: Mapping[int, TaskSummary],
    forms: Mapping[str, FormDefinition],
) -> str:
    """The case page's sentence for the event (case_pages.SENTENCES), or this module's for its own events."""
    task = tasks.get(event.task_id) if event.task_id is not None else None
    title = task.title if task else str(details.get("title") or details.get("task") or "任务")
    describe = _OWN_SENTENCES.get(event.action) or SENTENCES.get(event.action)
    if describe is None:
        return f"其他事件（{event.action}）"
    return describe(event, {**details, **({"_task": task} if task else {})}, title, forms)


def _changes(action: str, details: Mapping[str, Any], forms: Mapping[str, FormDefinition]) -> list[Change]:
    """Before/after of what the event changed, where it records it: a task completion's form data, an
    enrollment change, an extended legal clock."""
    if action == "task_completed" and isinstance(details.get("changes"), dict):
        form = forms.get(str(details.get("form") or ""))
        labels = form.field_titles() if form else {}
        return [
            _change(key, labels.get(key, key), change.get("before"), change.get("after"), _choices(form, key))
            for key, change in details["changes"].items()
            if isinstance(change, dict)
        ]
    if action == "enrollment_changed":
        before, after = details.get("before"), details.get("after")
        if isinstance(before, dict) and isinstance(after, dict):
            return [
                _change(key, label, before.get(key), after.get(key), ENROLLMENT_LABELS if key == "status" else None)
                for key, label in _ENROLLMENT_FIELDS.items()
                if before.get(key) != after.get(key)
            ]
    if action == "legal_clock_extended":
        return [_change("clock_limit_days", "法定办理时限（工作日）", details.get("from"), details.get("to"))]
    return []


def _choices(form: FormDefinition | None, key: str) -> dict[str, str]:
    """The Chinese labels of a choice field's values (x-enum-labels), e.g. approve → 予以受理."""
    field = form.schema.get("properties", {}).get(key) if form is not None else None
    labels = field.get("x-enum-labels") if isinstance(field, dict) else None
    return {str(k): str(v) for k, v in labels.items()} if isinstance(labels, dict) else {}


def _change(key: str, label: str, before: Any, after: Any, choices: Mapping[str, str] | None = None) -> Change:
    return Change(key, label, before, after, _choice_text(before, choices), _choice_text(after, choices))


def _choice_text(value: Any, choices: Mapping[str, str] | None) -> str:
    """A choice with its label and the value recorded, e.g. 予以受理（approve）."""
    if choices and isinstance(value, str) and value in choices:
        return f"{choices[value]}（{value}）"
    return value_text(value)


def value_text(value: Any) -> str:
    """A recorded value for reading: text as is, yes/no, lists of words joined, structures as JSON."""
    if value is None or value == "":
        return "—"
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, str | int | float):
        return str(value)
    if isinstance(value, list) and all(isinstance(v, str | int | float) for v in value):
        return "、".join(str(v) for v in value)
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def _people(session: Session, events: Iterable[AuditEvent]) -> dict[int, User]:
    ids = {e.actor_id for e in events if e.actor_id is not None}
    if not ids:
        return {}
    return {u.id: u for u in session.scalars(select(User).where(User.id.in_(ids))).unique()}


def _org_names(session: Session, events: Iterable[AuditEvent]) -> dict[str, str]:
    codes = {e.actor_org for e in events if e.actor_org}
    if not codes:
        return {}
    return {
        str(code): str(name)
        for code, name in session.execute(select(OrgUnit.code, OrgUnit.name).where(OrgUnit.code.in_(codes)))
    }


def _actor_name(event: AuditEvent, people: Mapping[int, User]) -> str:
    user = people.get(event.actor_id) if event.actor_id is not None else None
    if user is not None:
        return user.display_name
    return {"system": "系统", "public": "公众"}.get(event.actor_name or "", event.actor_name or "—")


def _pii_view(event: AuditEvent, number: str, people: Mapping[int, User], orgs: Mapping[str, str]) -> PiiView:
    details = event.details or {}
    if event.action == PII_VIEWED:
        fields = details.get("fields")
        names = "、".join(FIELD_LABELS.get(str(f), str(f)) for f in fields) if isinstance(fields, list) else ""
        what = f"完整的{names or '个人信息'}"
    elif event.action == EXPORTED:
        what = f"导出审计档案（{EXPORT_FORMATS.get(str(details.get('format')), details.get('format'))}，身份证号遮蔽）"
    else:
        what = "审计档案（身份证号遮蔽）"
    return PiiView(
        seq=event.seq,
        occurred_at=event.occurred_at,
        time=_china(event.occurred_at),
        case_number=number,
        action=event.action,
        actor_username=event.actor_name,
        actor_name=_actor_name(event, people),
        role_label=ROLE_LABELS.get(event.actor_role or "", event.actor_role or "—"),
        org_name=orgs.get(event.actor_org or "", event.actor_org or "—"),
        what=what,
        reason=str(details.get("reason") or "—"),
    )


def _objections(session: Session, case: Case) -> list[ObjectionEntry]:
    rows = session.execute(
        select(Objection, Notice.id)
        .join(Notice, Notice.id == Objection.notice_id)
        .where(Notice.case_id == case.id)
        .order_by(Objection.received_at, Objection.id)
    ).all()
    return [
        ObjectionEntry(
            o.id,
            int(notice_id),
            o.received_at,
            _china(o.received_at),
            CHANNEL_LABELS.get(o.channel, o.channel),
            o.text,
            bool(o.contact),
        )
        for o, notice_id in rows
    ]


def _scope(user: User) -> ColumnElement[bool]:
    """Cases of the user's own unit, by the unit column of its level (as case_search does)."""
    column = {
        Level.VILLAGE.value: Case.village_id,
        Level.TOWNSHIP.value: Case.township_id,
        Level.COUNTY.value: Case.county_id,
    }.get(user.org_unit.level)
    return column == user.org_unit_id if column is not None else false()


# --- verification of one case's events -------------------------------------------------------------


def _verify_case_rows(session: Session, rows: Sequence[Row]) -> VerifyResult:
    """Each event against its own hash; the link from the event before it and to the event after it."""
    if not rows:
        return VerifyResult(True, 0, None)
    seal = seal_of(session)
    head = session.get(AuditHead, 1)
    seqs = {row[0] for row in rows}
    wanted = sorted({s - 1 for s in seqs if s > 1} | {s + 1 for s in seqs})
    neighbours = _rows_by_seq(session, wanted)
    neighbours.update({row[0]: row for row in rows})
    for checked, row in enumerate(rows, start=1):
        seq = row[0]
        problem = _check_row(row, neighbours, head, seal)
        if problem is not None:
            return VerifyResult(False, checked, seq, problem)
    return VerifyResult(True, len(rows), None)


def _check_row(row: Row, by_seq: Mapping[int, Row], head: AuditHead | None, seal: ChainSeal) -> str | None:
    seq, prev_hash, own_hash = row[0], row[11], row[12]
    if seal.row_hash(row) != own_hash:
        return "事件内容与其哈希不符（事件被修改）"
    if seq == 1:
        if prev_hash != GENESIS_HASH:
            return "首个事件的前一哈希不符（链首被替换）"
    else:
        before = by_seq.get(seq - 1)
        if before is None:
            return f"前一事件（第 {seq - 1} 号）不存在（有事件被删除）"
        if before[12] != prev_hash:
            return f"与前一事件（第 {seq - 1} 号）的哈希衔接不符（前一事件被删除、插入或修改）"
    after = by_seq.get(seq + 1)
    head_seq = head.seq if head is not None else 0
    if after is not None:
        if after[11] != own_hash:
            return f"后一事件（第 {seq + 1} 号）记录的前一哈希与本事件不符（本事件被修改后重算了哈希，或被替换）"
    elif seq != head_seq:
        return f"后一事件（第 {seq + 1} 号）不存在，而链尾为第 {head_seq} 号（有事件被删除）"
    elif head is None or head.hash != own_hash:
        return "链尾记录的哈希与本事件不符（本事件被修改或替换）"
    elif head.seal != seal.head_seal(head.seq, head.hash):
        return f"链尾记录的密钥校验值不符：链尾被改写（第 {seq} 号之后的事件可能被删除）"
    return None


def _rows_by_seq(session: Session, seqs: Sequence[int]) -> dict[int, Row]:
    found: dict[int, Row] = {}
    for start in range(0, len(seqs), _LINK_CHUNK):
        chunk = seqs[start : start + _LINK_CHUNK]
        query = select(AuditEvent, _DETAILS_TEXT).where(AuditEvent.seq.in_(chunk))
        for event, text in session.execute(query):
            found[event.seq] = event_row(event, str(text))
    return found


# --- small helpers -------------------------------------------------------------------------------


def _china(moment: datetime) -> str:
    return f"{to_china(moment):%Y-%m-%d %H:%M:%S}"


def _china_text(value: Any) -> str:
    """An ISO timestamp from event details (naive UTC) in Beijing time."""
    if not isinstance(value, str) or not value:
        return "—"
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return value
    return _china(to_utc(moment) if moment.tzinfo is not None else moment)


def _china_midnight(day: date) -> datetime:
    return to_utc(datetime.combine(day, time.min, tzinfo=CHINA))


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, datetime | date):
        return value.isoformat()
    return value
