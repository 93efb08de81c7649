"""What a deciding step decides on: the decision-context panels its user task declares in the BPMN
(spiffworkflow:property contextPanels, docs/decision-context.md).

A pure read inside the task page's one read transaction, with no workflow restore of its own: the
panels read the case's columns (household, assessment, decided amount, applicant), the notice and
objection rows, the enrolment, the records completed steps were submitted with (HumanTask.submission,
falling back to their decision and opinion for steps completed before that column existed), and the
data of the task's run that the page has already restored. 身份证号 are masked here and never leave
in full.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.context import Context
from engine.domain.id_numbers import mask_id_number
from engine.domain.verification import finding_lines
from engine.domain.vocabulary import (
    APPROVAL_LEVELS,
    CATEGORY_LABELS,
    CONTEXT_PANELS,
    DECISION_LABELS,
    ENROLLMENT_STATUS_LABELS,
    OBJECTION_CHANNEL_LABELS,
)
from engine.persistence import Case, Enrollment, HumanTask, Notice, Objection, ProcessDefinition
from engine.queries.household import household_view
from engine.queries.step_records import completed_steps
from engine.queries.task_context_tekun import tekun_panel
from engine.queries.task_context_values import china_time, day, form_items, item, yuan
from engine.results import ContextGroup, ContextItem, ContextPanel
from forms import FormDefinition

# The forms whose records the investigation and verification panels show (docs/decision-context.md).
INVESTIGATION_FORMS = frozenset(
    {
        "dibao_home_visit",
        "dibao_county_home_visit",
        "dibao_recheck_investigation",
        "dibao_final_check",
        "temporary_investigation",
        "temporary_spending_check",
        "tekun_investigation",
        "tekun_county_check",
    }
)
VERIFICATION_FORMS = frozenset(
    {"dibao_data_verification", "temporary_verification", "dibao_verification_notice", "dibao_verification_contest"}
)
# Start-form fields the applicant and hardship panels do not repeat (shown elsewhere, or PII in full).
_START_SKIP = ("village", "household", "applicant_name", "applicant_id_number", "related_case", "hardship_description")
_HARDSHIP_KEYS = ("kind", "cause", "occurred_on", "persons", "months", "household_type", "existing_recipient")


@dataclass
class _Source:
    """What the panels read, loaded once per page and only when a panel asks."""

    session: Session
    case: Case
    data: Mapping[str, Any]  # the open task's workflow data ({} for a closed task)
    forms: Mapping[str, FormDefinition]
    _done: list[HumanTask] | None = field(default=None)

    def completed(self) -> list[HumanTask]:
        if self._done is None:
            self._done = completed_steps(self.session, self.case.id)
        return [t for t in self._done if t.state == "completed"]  # not the steps taken back (撤回, 退回)

    def schema(self, form_key: str | None) -> Mapping[str, Any] | None:
        form = self.forms.get(form_key or "")
        return form.schema if form is not None else None

    def start_schema(self) -> Mapping[str, Any] | None:
        return self.schema(f"{self.case.kind}_start")

    def household(self) -> dict[str, Any] | None:
        household = self.case.household or (self.case.data or {}).get("household")
        return household if isinstance(household, dict) else None


def task_context(
    ctx: Context, session: Session, task: HumanTask, data: Mapping[str, Any], done: list[HumanTask] | None = None
) -> list[ContextPanel]:
    """The panels `task` declares, in its order; [] for a task that declares none. `done`: the case's
    completed steps when the caller has read them already (else read when a panel asks)."""
    process = ctx.process(task.instance.definition)
    names = process.context_panels(task.task_name) or _declared_later(ctx, session, task)
    if not names:
        return []
    source = _Source(session, task.case, data, process.forms, done)
    if task.role == "village_assistant":  # 核对 results never reach a village assistant (domain.md §9)
        names = tuple(name for name in names if name != "verification")
    return [_PANELS[name](source) for name in names if name in _PANELS]


def _declared_later(ctx: Context, session: Session, task: HumanTask) -> tuple[str, ...]:
    """The panels the newest version of the task's process declares for the same step.

    A running case stays on the version it started with, which may predate the panels. They are what the
    page shows, not what the process does, so a case started before they were declared shows them too."""
    definition = task.instance.definition
    newest = session.scalars(
        select(ProcessDefinition)
        .where(
            ProcessDefinition.process_id == definition.process_id,
            ProcessDefinition.region == definition.region,
            ProcessDefinition.version > definition.version,
        )
        .order_by(ProcessDefinition.version.desc())
        .limit(1)
    ).first()
    return ctx.process(newest).context_panels(task.task_name) if newest is not None else ()


def _panel(name: str, items: list[ContextItem], **rest: Any) -> ContextPanel:
    return ContextPanel(name, CONTEXT_PANELS[name], items, **rest)


def _applicant(src: _Source) -> ContextPanel:
    case, start = src.case, src.case.data or {}
    household = src.household() or {}
    members = [m for m in household.get("members") or [] if isinstance(m, dict)]
    applicant = next((m for m in members if m.get("relation") == "self"), members[0] if members else {})
    raw_id = str(start.get("applicant_id_number") or applicant.get("id_number") or "")
    items = item("申请人", case.applicant_name or str(applicant.get("name") or "") or None)
    items += item("身份证号", mask_id_number(raw_id) if raw_id else None)
    items += item("案件编号", case.number)
    items += item("村/社区", case.village.name)
    items += item("登记时间", china_time(case.created_at))
    if case.related_case_id is not None:
        related = src.session.get(Case, case.related_case_id)
        items += item("原案件编号", related.number if related is not None else None)
    skip = (*_START_SKIP, *_HARDSHIP_KEYS)
    items += form_items(src.start_schema(), start, skip=skip)
    return _panel("applicant", items)


def _household(src: _Source) -> ContextPanel:
    household = src.household()
    view = household_view({"household": household}) if household else None
    if view is None:
        return _panel("household", [], empty="本案件没有登记家庭成员情况")
    total = sum((Decimal(m.monthly_income) for m in view.members), Decimal(0))
    items = item("户籍类别", view.registered_type)
    items += item("家庭人口", f"{len(view.members)} 人")
    items += item("家庭月收入合计", yuan(total))
    items += item("上年家庭总收入", yuan(view.last_year_total_income))
    items += item("是否已是低保对象", "是" if view.existing_recipient else "否")
    items += item("家庭财产是否符合规定", None if view.assets_pass is None else ("是" if view.assets_pass else "否"))
    groups = []
    for member in view.members:
        facts = item("身份证号", member.id_number)  # masked by household_view
        facts += item("就业状态", member.employment)
        facts += item("残疾情况", member.disability)
        facts += item("重特大疾病", "是" if member.major_illness else None)
        facts += item("月收入", yuan(member.monthly_income))
        groups.append(ContextGroup(f"{member.name}（{member.relation}）", facts))
    return _panel("household", items, groups=groups)


def _assessment(src: _Source) -> ContextPanel:
    assessment = src.case.assessment
    if not isinstance(assessment, dict):
        return _panel("assessment", [], empty="尚未进行家庭经济状况评估")
    if "approval_level" in assessment or "advance_payment" in assessment:
        items = _temporary_figures(assessment)
    else:
        items = _dibao_figures(assessment, src.data.get("proposal"))
    items += item("核定金额", yuan(src.case.decided_amount))
    items += item("评估日期", day(assessment.get("as_of")))
    basis = [str(line) for line in assessment.get("explanation") or [] if isinstance(line, str)]
    return _panel("assessment", items, basis=basis)


def _dibao_figures(a: Mapping[str, Any], proposal: Any) -> list[ContextItem]:
    items = item("评估结论", CATEGORY_LABELS.get(str(a.get("category")), None))
    items += item("低保标准", yuan(a.get("standard"), "元/人·月"))
    items += item("计入收入", yuan(a.get("countable_income"), "元/月"))
    items += item("扣减（刚性支出、就业成本）", yuan(a.get("deductions"), "元/月"))
    items += item("人均月收入", yuan(a.get("per_capita_income"), "元"))
    items += item("补差金额", yuan(a.get("benefit_amount"), "元/月"))
    single = [str(m.get("name")) for m in a.get("single_person_members") or [] if isinstance(m, dict)]
    items += item("单人户保障成员", "、".join(single) or None)
    if isinstance(proposal, dict) and proposal.get("amount") is not None:
        persons = proposal.get("persons")
        covers = f"（{persons} 人）" if isinstance(persons, int) and persons > 0 else ""
        items += item("拟保障金额", f"{yuan(proposal.get('amount'), '元/月')}{covers}")
    return items


def _temporary_figures(a: Mapping[str, Any]) -> list[ContextItem]:
    items = item("救助金额", yuan(a.get("amount")))
    months = a.get("months_counted")
    items += item("计算月数", f"{months} 个月" if isinstance(months, int) else None)
    items += item("审批层级", APPROVAL_LEVELS.get(str(a.get("approval_level")), None))
    items += item("先行救助金额", yuan(a.get("advance_payment")))
    items += item("先行救助后待审批金额", yuan(a.get("remainder")))
    items += item("乡镇审批限额", yuan(a.get("township_limit")))
    return items


def _records(src: _Source, name: str, form_keys: frozenset[str], empty: str) -> ContextPanel:
    """The latest completed record of each step with one of `form_keys` (a township and a county visit
    are two records), oldest step first."""
    latest: dict[str, HumanTask] = {}
    for done in src.completed():
        if done.form_key in form_keys:
            latest.pop(done.task_name, None)
            latest[done.task_name] = done  # re-inserted: a step done again moves to its new place
    if not latest:
        return _panel(name, [], empty=empty)
    return _panel(name, [], groups=[_record(src, done) for done in latest.values()])


def _record_title(done: HumanTask) -> str:
    who = done.completed_by.display_name if done.completed_by is not None else "—"
    return f"{done.title} · {who} · {china_time(done.completed_at) or '—'}"


def _record(src: _Source, done: HumanTask) -> ContextGroup:
    title = _record_title(done)
    if done.submission is not None:
        return ContextGroup(title, form_items(src.schema(done.form_key), done.submission))
    # Completed before steps kept their own record (revision a7c4e2b19d30): what the row has.
    labels = ((src.schema(done.form_key) or {}).get("properties") or {}).get("decision", {}).get("x-enum-labels")
    decision = done.decision or ""
    worded = labels.get(decision) if isinstance(labels, dict) else None
    facts = item("结论", worded or DECISION_LABELS.get(decision, decision) or None)
    return ContextGroup(title, facts + item("意见", done.opinion))


def _investigation(src: _Source) -> ContextPanel:
    return _records(src, "investigation", INVESTIGATION_FORMS, "尚无入户调查记录")


def _verification(src: _Source) -> ContextPanel:
    """The 核对 records, each with its per-item results and findings (docs/verification-exchange.md)."""
    panel = _records(src, "verification", VERIFICATION_FORMS, "尚无信息核对结果")
    by_title = {_record_title(done): done for done in src.completed() if done.form_key in VERIFICATION_FORMS}
    for group in panel.groups:
        done = by_title.get(group.title)
        entries = (done.submission or {}).get("verification_items") if done is not None else None
        for label, text in finding_lines(entries if isinstance(entries, list) else []):
            group.items.extend(item(label, text))
    return panel


def _objections(src: _Source) -> ContextPanel:
    notices = list(src.session.scalars(select(Notice).where(Notice.case_id == src.case.id).order_by(Notice.id)))
    if not notices:
        return _panel("objections", [], empty="本案件尚未公示")
    rows = src.session.scalars(
        select(Objection)
        .where(Objection.notice_id.in_([n.id for n in notices]))
        .order_by(Objection.received_at, Objection.id)
    ).all()
    last = notices[-1]
    items = item("公示期", f"{china_time(last.starts_at)} 至 {china_time(last.ends_at)}")
    items += item("收到异议", f"{len(rows)} 条")
    groups = [
        ContextGroup(
            f"异议 {i}（{china_time(row.received_at)}，{OBJECTION_CHANNEL_LABELS.get(row.channel, '其他渠道')}）",
            item("异议内容", row.text),  # the objector's contact stays off the page (never public)
        )
        for i, row in enumerate(rows, start=1)
    ]
    return _panel("objections", items, groups=groups, empty=None if rows else "公示期间未收到异议")


def _hardship(src: _Source) -> ContextPanel:
    start = src.case.data or {}
    if "hardship_description" not in start and "cause" not in start:
        return _panel("hardship", [], empty="本案件没有困难情况说明")
    schema = src.start_schema()
    wanted = {"hardship_description", *_HARDSHIP_KEYS}
    skip = [key for key in ((schema or {}).get("properties") or {}) if key not in wanted]
    items = form_items(schema, start, skip=skip)
    assessment = src.case.assessment if isinstance(src.case.assessment, dict) else {}
    items += item("测算救助金额", yuan(assessment.get("amount")))
    items += item("先行救助金额", yuan(assessment.get("advance_payment")))
    return _panel("hardship", items)


def _enrolment(src: _Source) -> ContextPanel:
    case_id = src.case.related_case_id or src.case.id
    enrollment = src.session.scalars(select(Enrollment).where(Enrollment.case_id == case_id)).first()
    if enrollment is None:
        return _panel("enrolment", [], empty="该家庭没有保障记录")
    items = item("保障状态", ENROLLMENT_STATUS_LABELS.get(enrollment.status, "其他"))
    items += item("每月保障金额", yuan(enrollment.monthly_amount))
    items += item("保障人数", f"{enrollment.persons} 人")
    items += item("单人户保障成员", enrollment.covered_members)
    items += item("保障起始日期", day(enrollment.starts_on))
    items += item("渐退截止日期", day(enrollment.ends_on))
    items += item("下次复核日期", day(enrollment.next_review_on))
    return _panel("enrolment", items)


_PANELS: dict[str, Callable[[_Source], ContextPanel]] = {
    "applicant": _applicant,
    "household": _household,
    "assessment": _assessment,
    "investigation": _investigation,
    "verification": _verification,
    "objections": _objections,
    "hardship": _hardship,
    "enrolment": _enrolment,
    "tekun": lambda src: tekun_panel(src.case, src.data),
}
