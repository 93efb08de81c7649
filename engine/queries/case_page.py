"""What the case page shows besides the CaseView: the timeline in plain Chinese, documents, related
cases and the (masked) household. Read from columns and the audit log: no workflow restore.

The timeline is the case's audit events (docs/contracts.md#data-model: one row per thing that happened), each turned
into a sentence; an action this module does not know yet still appears, under its code.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import or_, select
from sqlalchemy.orm import Session

from engine import lookups, policy
from engine.clock import to_china
from engine.context import Context
from engine.domain.vocabulary import (
    DECISION_LABELS,
    ENROLLMENT_STATUS_LABELS,
    EXPORT_LABELS,
    OBJECTION_CHANNEL_LABELS,
    OUTCOME_LABELS,
    PII_FIELD_LABELS,
    ROLE_LABELS,
    label,
)
from engine.lookups import get_user
from engine.persistence import AuditEvent, Case, OrgUnit, ProcessInstance, User
from engine.policy import may_reveal
from engine.queries import (
    case_ending_sentences,
    case_view,
    document_sentences,
    intake_sentences,
    migration,
    objections,
    referrals,
    rewind_sentences,
    urges,
)
from engine.queries.delegation_events import DELEGATION_SENTENCES
from engine.queries.document_correction_sentences import SENTENCES as CORRECTION_SENTENCES
from engine.queries.household import HouseholdView, household_view
from engine.queries.household_copy import HouseholdCheck, household_checks
from engine.queries.referrals import ReferralRow
from engine.queries.step_records import StepRecord, completed_steps, step_records
from engine.results import CaseView, TaskSummary
from forms import FormDefinition


@dataclass(frozen=True)
class TimelineEntry:
    seq: int
    at: datetime  # naive UTC, shown in Beijing time
    action: str
    actor: str
    text: str


@dataclass(frozen=True)
class DocumentRef:
    """A signed record named on a task form (入户调查表, 会议记录 …) by its reference number."""

    title: str
    reference: str
    task_title: str
    at: datetime
    by: str


@dataclass(frozen=True)
class RelatedCase:
    number: str
    kind: str
    relation: str
    status: str
    outcome: str | None
    created_at: datetime


@dataclass(frozen=True)
class CasePage:
    case: CaseView
    process_title: str
    applicant_name: str | None
    village_name: str
    township_name: str | None
    household: HouseholdView | None
    may_reveal: bool
    timeline: list[TimelineEntry]
    documents: list[DocumentRef]
    related: list[RelatedCase]
    steps: list[StepRecord] = field(default_factory=list)  # 办理记录: who decided what, when
    pending_objections: int = 0  # 公示 objections not yet dealt with (engine.queries.objections)
    # 入户调查 / 复核调查 steps with their household differences (docs/household-copy.md)
    household_checks: tuple[HouseholdCheck, ...] = ()
    referrals: tuple[ReferralRow, ...] = ()  # 转介 to departments and their answers (docs/referrals.md)
    may_refer: bool = False


def case_page(ctx: Context, number: str, username: str, household: HouseholdView | None = None) -> CasePage:
    """Everything the case page shows, for staff who may see the case (PermissionDenied otherwise).

    `household` replaces the masked household (the result of pii.reveal_household, for that page view)."""
    view = case_view.show_case(ctx, number, username)
    with ctx.db.read() as session:
        user = get_user(session, username)
        case = lookups.get_case(session, number)
        policy.check_may_see_case(user, case)
        instance = session.scalars(
            select(ProcessInstance).where(ProcessInstance.case_id == case.id).order_by(ProcessInstance.id.desc())
        ).first()
        forms = ctx.process(instance.definition).forms if instance is not None else {}
        events = list(session.scalars(select(AuditEvent).where(AuditEvent.case_id == case.id).order_by(AuditEvent.seq)))
        people = _display_names(session, {e.actor_id for e in events if e.actor_id is not None})
        tasks = {t.id: t for t in view.tasks}
        township = session.get(OrgUnit, case.township_id) if case.township_id else None
        done = completed_steps(session, case.id)
        return CasePage(
            case=view,
            process_title=instance.definition.title if instance is not None else case.kind,
            applicant_name=case.applicant_name,
            village_name=case.village.name,
            township_name=township.name if township else None,
            household=household or household_view(dict(case.data)),
            may_reveal=may_reveal(user),
            timeline=[_entry(e, tasks, forms, people) for e in events],
            documents=_documents(events, tasks, forms, people),
            related=_related(session, case),
            steps=step_records(ctx, done),
            pending_objections=objections.pending_count(session, case.id),
            household_checks=tuple(household_checks(done)),
            referrals=referrals.case_referrals(session, case.id),
            may_refer=policy.referrals.may_refer(user, case),
        )


def _display_names(session: Session, ids: set[int]) -> dict[int, str]:
    if not ids:
        return {}
    rows = session.execute(select(User.id, User.display_name, User.username).where(User.id.in_(ids)))
    return {row.id: f"{row.display_name}（{row.username}）" for row in rows}


def _actor(event: AuditEvent, people: Mapping[int, str]) -> str:
    if event.actor_id is not None and event.actor_id in people:
        who = people[event.actor_id]
    elif event.actor_name == "system":
        return "系统"
    elif event.actor_name == "public":
        return "公众"
    else:
        who = event.actor_name or "—"
    role = ROLE_LABELS.get(event.actor_role or "")
    return f"{who} · {role}" if role else who


def _china(value: Any) -> str:
    """An ISO timestamp from event details (naive UTC, or with an offset) in Beijing time."""
    if not isinstance(value, str) or not value:
        return "—"
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        return value
    if moment.tzinfo is not None:
        moment = moment.astimezone(UTC).replace(tzinfo=None)
    return f"{to_china(moment):%Y-%m-%d %H:%M}"


def _day(value: Any) -> str:
    return str(value)[:10] if value else "—"


def _after(details: Mapping[str, Any], key: str) -> Any:
    changes = details.get("changes")
    change = changes.get(key) if isinstance(changes, dict) else None
    return change.get("after") if isinstance(change, dict) else None


def _decision_label(forms: Mapping[str, FormDefinition], form_key: Any, decision: str) -> str:
    form = forms.get(str(form_key)) if form_key else None
    if form is not None:
        field = form.schema.get("properties", {}).get("decision", {})
        labels = field.get("x-enum-labels") if isinstance(field, dict) else None
        if isinstance(labels, dict) and decision in labels:
            return str(labels[decision])
    return DECISION_LABELS.get(decision, decision)


def _task_title(event: AuditEvent, tasks: Mapping[int, TaskSummary]) -> str:
    task = tasks.get(event.task_id) if event.task_id is not None else None
    if task is not None:
        return task.title
    return str(event.details.get("title") or event.details.get("task") or "任务")


Describe = Callable[[AuditEvent, Mapping[str, Any], str, Mapping[str, FormDefinition]], str]


def _completed(event: AuditEvent, d: Mapping[str, Any], title: str, forms: Mapping[str, FormDefinition]) -> str:
    # The task row holds the decision and opinion as submitted; the event's `changes` only has the keys
    # whose value changed (a second "approve" in a row is not a change).
    task = d.get("_task")
    decision = task.decision if isinstance(task, TaskSummary) else _after(d, "decision")
    opinion = task.opinion if isinstance(task, TaskSummary) else _after(d, "opinion")
    text = f"办结任务“{title}”"
    if isinstance(decision, str) and decision:
        text += f"，结论：{_decision_label(forms, d.get('form'), decision)}"
    if isinstance(opinion, str) and opinion.strip():
        text += f"，意见：{opinion.strip()}"
    copies = d.get("copies")  # 抄送 (docs/urge-and-copy.md)
    if isinstance(copies, list) and copies:
        text += f"，抄送{'、'.join(ROLE_LABELS.get(str(role), str(role)) for role in copies)}"
    return text


def _created(event: AuditEvent, d: Mapping[str, Any], title: str, forms: Mapping[str, FormDefinition]) -> str:
    role = ROLE_LABELS.get(str(d.get("role") or ""), str(d.get("role") or ""))
    text = f"生成待办任务“{title}”" + (f"，由{role}办理" if role else "")
    return text + (f"，办理期限 {_china(d.get('due_at'))}" if d.get("due_at") else "")


def _case_created(event: AuditEvent, d: Mapping[str, Any], title: str, forms: Mapping[str, FormDefinition]) -> str:
    # The process is named in the page's header; its id is a code, not a word a clerk reads.
    text = f"登记案件，按该流程第 {d.get('version', '?')} 版办理"
    return text + (f"，关联原案件 {d['related_case']}" if d.get("related_case") else "")


def _decided(event: AuditEvent, d: Mapping[str, Any], title: str, forms: Mapping[str, FormDefinition]) -> str:
    outcome = str(d.get("outcome") or "")
    text = f"作出决定：{OUTCOME_LABELS.get(outcome, outcome)}"
    return text + (f"，核定金额每月 {d['decided_amount']} 元" if d.get("decided_amount") else "")


def _enrolled(event: AuditEvent, d: Mapping[str, Any], title: str, forms: Mapping[str, FormDefinition]) -> str:
    amount, starts = d.get("monthly_amount", "?"), _day(d.get("starts_on"))
    text = f"纳入保障：{d.get('persons', '?')} 人，每月 {amount} 元，自 {starts} 起发放"
    members = d.get("covered_members")
    return text + (f"（单人户保障：{'、'.join(map(str, members))}）" if isinstance(members, list) and members else "")


def _mapping(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, dict) else {}


def _enrollment_changed(
    event: AuditEvent, d: Mapping[str, Any], title: str, forms: Mapping[str, FormDefinition]
) -> str:
    before, after = _mapping(d.get("before")), _mapping(d.get("after"))

    def status(side: Mapping[str, Any]) -> str:
        return ENROLLMENT_STATUS_LABELS.get(str(side.get("status")), str(side.get("status") or "—"))

    text = f"保障变更（复核案件 {d.get('by_case', '?')}）：{status(before)} → {status(after)}"
    text += f"，每月 {before.get('monthly_amount')} → {after.get('monthly_amount')} 元"
    return text + (f"，渐退至 {_day(after.get('ends_on'))}" if after.get("ends_on") else "")


def _pii(event: AuditEvent, d: Mapping[str, Any], title: str, forms: Mapping[str, FormDefinition]) -> str:
    fields = d.get("fields")
    names = "、".join(PII_FIELD_LABELS.get(str(f), str(f)) for f in fields) if isinstance(fields, list) else ""
    return f"查看完整的{names or '个人信息'}，理由：{d.get('reason', '')}"


def _fixed(text: str) -> Describe:
    return lambda event, d, title, forms: text


# The auditor's export formats (engine.queries.dossier offers these).
SENTENCES: dict[str, Describe] = {
    "case_created": _case_created,
    "task_created": _created,
    "task_claimed": lambda e, d, title, f: f"签收任务“{title}”",
    "task_unclaimed": lambda e, d, title, f: f"取消签收任务“{title}”，任务退回待办",
    "task_draft_saved": lambda e, d, title, f: f"暂存任务“{title}”的表单（未提交）",
    "task_transferred": lambda e, d, title, f: f"将任务“{title}”转办给 {d.get('to', '?')}，理由：{d.get('reason', '')}",
    "task_completed": _completed,
    "task_cancelled": lambda e, d, title, f: f"任务“{title}”由流程撤销（未经办理）",
    "timer_fired": lambda e, d, title, f: f"定时到期（{_china(d.get('due_at'))}），流程自动继续",
    "notice_published": lambda e, d, title, f: (
        f"发布公示：{d.get('masked_name', '')}，{d.get('persons', '?')} 人，拟保障金额每月 "
        f"{d.get('proposed_amount', '?')} 元，公示至 {_china(d.get('ends_at'))}"
    ),
    "notice_closed": _fixed("公示结束"),
    "duplicate_confirmed": lambda e, d, title, f: (
        f"登记时提示家庭成员身份证号与在办案件或在保记录重复（{len(d.get('matches') or [])} 处），经办人确认仍然登记"
    ),
    "objection_received": lambda e, d, title, f: (
        f"收到公示异议（{label(OBJECTION_CHANNEL_LABELS, d.get('channel'))}）：{d.get('text', '')}"
    ),
    "legal_clock_started": lambda e, d, title, f: (
        f"受理，法定办理时限开始计算（{d.get('limit_working_days', '?')} 个工作日）"
    ),
    "legal_clock_extended": lambda e, d, title, f: (
        f"延长办理时限：{d.get('from', '?')} → {d.get('to', '?')} 个工作日，理由：{d.get('reason', '')}"
    ),
    "case_decided": _decided,
    "enrollment_created": _enrolled,
    "enrollment_changed": _enrollment_changed,
    "process_completed": _fixed("流程办结"),
    "workflow_error": lambda e, d, title, f: f"流程运行出错：{d.get('message', '')}",
    "pii_viewed": _pii,
    # engine.queries.inbox: a search by the full ID number of someone in this household.
    "pii_searched": _fixed("在工作台按完整身份证号查询，查到本案件"),
    # Auditors' reads stay on the case's history: who looked at a household's file is part of it.
    "audit.dossier_viewed": _fixed("审计人员查阅案件档案"),
    "audit.exported": lambda e, d, title, f: f"审计人员导出案件档案（{EXPORT_LABELS.get(str(d.get('format')), '')}）",
    "admin.instance_retried": _fixed("系统管理员重新运行出错的流程"),
    "attachment.uploaded": lambda e, d, title, f: (
        f"在任务“{title}”上传附件 {d.get('number', '?')}（{d.get('filename', '')}）"
    ),
    "attachment.downloaded": lambda e, d, title, f: f"下载附件 {d.get('number', '?')}（{d.get('filename', '')}）",
    "attachment.integrity_failed": lambda e, d, title, f: (
        f"附件 {d.get('number', '?')} 的文件与登记时的摘要不符，已拒绝下载"
    ),
    # 委派 (issue 14 part 5): engine/queries/delegation_events.py
    **DELEGATION_SENTENCES,
}
case_ending_sentences.add_to(SENTENCES)  # 终止、暂停、恢复、撤销

SENTENCES.update(rewind_sentences.SENTENCES)  # 撤回, 退回, move (docs/withdraw-and-return.md)
SENTENCES.update(CORRECTION_SENTENCES)  # 更正 (docs/documents-corrections-and-printing.md)
SENTENCES.update(intake_sentences.SENTENCES)  # 一门受理 (docs/intake.md)


def _entry(
    event: AuditEvent, tasks: Mapping[int, TaskSummary], forms: Mapping[str, FormDefinition], people: Mapping[int, str]
) -> TimelineEntry:
    details = dict(event.details) if isinstance(event.details, dict) else {}
    if event.task_id is not None and event.task_id in tasks:
        details["_task"] = tasks[event.task_id]
    describe = SENTENCES.get(event.action)
    text = describe(event, details, _task_title(event, tasks), forms) if describe else f"其他事件（{event.action}）"
    return TimelineEntry(event.seq, event.occurred_at, event.action, _actor(event, people), text)


def _documents(
    events: list[AuditEvent],
    tasks: Mapping[int, TaskSummary],
    forms: Mapping[str, FormDefinition],
    people: Mapping[int, str],
) -> list[DocumentRef]:
    """Reference numbers of signed records: the task form fields whose title says 编号 (附件编号,
    凭证编号, 会议纪要编号): the paper record's number, or an uploaded attachment's (FJ-…)."""
    found = []
    for event in events:
        if event.action != "task_completed":
            continue
        details = event.details if isinstance(event.details, dict) else {}
        form = forms.get(str(details.get("form") or ""))
        if form is None:
            continue
        for key, title in form.field_titles().items():
            value = _after(details, key)
            if "编号" not in title or key == "related_case" or not value:
                continue
            reference = "、".join(map(str, value)) if isinstance(value, list) else str(value)
            found.append(
                DocumentRef(title, reference, _task_title(event, tasks), event.occurred_at, _actor(event, people))
            )
    return found


def _related(session: Session, case: Case) -> list[RelatedCase]:
    """The case this one acts on (a re-check's or an exit's application), and those acting on it."""
    query = select(Case).where(or_(Case.id == case.related_case_id, Case.related_case_id == case.id)).order_by(Case.id)
    return [
        RelatedCase(
            other.number,
            other.kind,
            "原案件" if other.id == case.related_case_id else "关联的复核/渐退案件",
            other.status,
            other.outcome,
            other.created_at,
        )
        for other in session.scalars(query)
        if other.id != case.id
    ]


# 文书 issued, downloaded, printed (docs/documents-verify-and-download.md)
SENTENCES.update(document_sentences.SENTENCES)
# 催办 (docs/urge-and-copy.md)
SENTENCES.update(urges.SENTENCES)
# 年度调标 (docs/annual-adjustment.md)
from engine.queries import recalculation_sentences  # noqa: E402

SENTENCES.update(recalculation_sentences.SENTENCES)
SENTENCES.update(referrals.SENTENCES)  # 转介 (docs/referrals.md)
SENTENCES.update(migration.SENTENCES)  # 迁移到新版本 (docs/process-migration.md)
# 监测预警 (docs/alerts.md) and 特困人员探访 (docs/tekun-visits.md)
from engine.queries import alert_sentences, care_visit_sentences  # noqa: E402

SENTENCES.update(alert_sentences.SENTENCES | care_visit_sentences.SENTENCES)
