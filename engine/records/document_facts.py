"""The facts of particular procedures a document prints (docs/documents-catalogue.md): the context's
`issuer` address, `case` enrolment and termination, `assessment`, `notice`, `legal` and `data`.

engine.records.document_context builds the general part; this module reads the rest from the case
record only: Case columns, case.assessment, the steps' submissions (HumanTask), Notice and Enrollment
rows and the region's parameters of the case's process version. Never workflow variables a designer's
script could set, and no 身份证号 (the context's masked ones come from document_context).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import date, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine.clock import to_china, utcnow
from engine.domain.id_numbers import mask_id_number
from engine.domain.parameters import Parameters
from engine.domain.vocabulary import (
    APPROVAL_LEVELS,
    CATEGORY_LABELS,
    DISABILITY_GRADES,
    DISABILITY_TYPES,
    EMPLOYMENT_LABELS,
    ENDING_GROUND_LABELS,
    RELATION_LABELS,
    TEMPORARY_CAUSES,
    TEMPORARY_KINDS,
)
from engine.domain.vocabulary_tekun import SUPPORT_MODES, TEKUN_CARE_TIERS, TEKUN_NOTICE_PROCESSES
from engine.persistence import Case, Enrollment, HumanTask, Notice

# 《中华人民共和国行政复议法》第二十条：自知道之日起六十日内；《中华人民共和国行政诉讼法》第四十六条：六个月内。
RECONSIDERATION_DAYS = 60
LITIGATION_MONTHS = 6
VISIT_METHODS = {"in_person": "入户调查", "phone": "电话调查", "video": "视频调查"}
PAYMENT_METHODS = {"cash": "现金", "transfer": "转账", "in_kind": "实物"}
ATTENDANCE = {"present": "出席", "absent": "缺席"}
VOTES = {"agree": "同意", "against": "不同意", "abstain": "弃权"}
PANEL_KINDS = {
    "township_staff": "乡镇（街道）干部",
    "village_cadre": "村（居）委会成员",
    "party_rep": "党员代表",
    "resident_rep": "居民代表",
    "county_staff": "县级民政部门人员",
}
DECISION_STEPS = (
    "county_confirmation",
    "stop_decision",
    "exit_decision",
    "advance_payment",  # a refused 先行救助 refuses the request
    "county_approval",
    "township_approval",
    "committee_tally",
)


def day_text(day: date | None) -> str | None:
    return f"{day.year}年{day.month}月{day.day}日" if day else None


def parameter(parameters: Parameters | None, name: str) -> Any:
    """The region's value in force today; None (a blank on paper) when the region has none."""
    if parameters is None:
        return None
    try:
        value = parameters.value(name, to_china(utcnow()).date())
    except KeyError:
        return None
    return None if value == "" else value


def last_task(session: Session, case_id: int, *names: str) -> HumanTask | None:
    """The step of `names` completed last in the case."""
    return session.scalars(
        select(HumanTask)
        .where(HumanTask.case_id == case_id, HumanTask.task_name.in_(names), HumanTask.state == "completed")
        .order_by(HumanTask.completed_at.desc(), HumanTask.id.desc())
    ).first()


def last_submission(session: Session, case_id: int, *names: str) -> dict[str, Any]:
    """The submission of the step of `names` completed last in the case ({} when none is)."""
    task = last_task(session, case_id, *names)
    return dict(task.submission or {}) if task is not None else {}


def _text(value: Any) -> str | None:
    return value.strip() or None if isinstance(value, str) else None


def _strings(value: Any) -> list[str]:
    if not isinstance(value, Sequence) or isinstance(value, str):
        return []
    return [str(item).strip() for item in value if str(item).strip()]


def _money(value: Any) -> str | None:
    try:
        return f"{Decimal(str(value)):.2f}" if value not in (None, "") else None
    except InvalidOperation:
        return None


def _iso_day(value: Any) -> str | None:
    try:
        return day_text(date.fromisoformat(str(value)[:10])) if value else None
    except ValueError:
        return None


def member_facts(member: Mapping[str, Any]) -> dict[str, Any]:
    """A household member's relation, age, health, work and declared monthly income, in words."""
    id_number = member.get("id_number")
    age = None
    if isinstance(id_number, str) and len(id_number) == 18 and id_number[6:14].isdigit():
        born = id_number[6:14]
        today = to_china(utcnow()).date()
        age = today.year - int(born[:4]) - ((today.month, today.day) < (int(born[4:6]), int(born[6:8])))
    disability = member.get("disability")
    health: list[str] = []
    if isinstance(disability, Mapping) and disability.get("grade"):
        kind = DISABILITY_TYPES.get(str(disability.get("type") or ""), "")
        health.append(f"{kind}{DISABILITY_GRADES.get(disability.get('grade'), '')}")  # type: ignore[arg-type]
    if member.get("major_illness"):
        health.append("重特大疾病")
    employment = member.get("employment")
    status = employment.get("status") if isinstance(employment, Mapping) else None
    incomes = member.get("incomes")
    amounts = [_money(i.get("monthly_amount")) for i in incomes or [] if isinstance(i, Mapping)]
    total = sum((Decimal(a) for a in amounts if a), Decimal(0))
    return {
        "relation": RELATION_LABELS.get(str(member.get("relation") or "")),
        "age": age,
        "health": "、".join(health) or "健康",
        "work": EMPLOYMENT_LABELS.get(str(status or "")),
        "monthly_income": f"{total:.2f}" if incomes is not None else None,
    }


def issuer_facts(parameters: Parameters | None) -> dict[str, Any]:
    return {
        "address": parameter(parameters, "document_office_address"),
        "telephone": parameter(parameters, "document_office_telephone"),
    }


def legal_facts(parameters: Parameters | None) -> dict[str, Any]:
    return {
        "reconsideration_days": RECONSIDERATION_DAYS,
        "litigation_months": LITIGATION_MONTHS,
        "reconsideration_body": parameter(parameters, "reconsideration_body"),
        "court": parameter(parameters, "court_name"),
    }


def case_facts(session: Session, case: Case) -> dict[str, Any]:
    """What the case's enrolment and termination add to `case`."""
    found: dict[str, Any] = {}
    enrollment = session.scalars(select(Enrollment).where(Enrollment.case_id == case.id)).first()
    if enrollment is not None:
        found["start_month"] = f"{enrollment.starts_on.year}年{enrollment.starts_on.month}月"
        found["persons"] = enrollment.persons
        mode = (enrollment.support or {}).get("support_mode")
        found["support_mode_label"] = SUPPORT_MODES.get(str(mode)) if mode else None
    elif case.decided_at is not None and case.outcome == "approved" and case.kind == "dibao_application":
        decided = to_china(case.decided_at).date()  # paid from the month after the decision (审确 第二十一条)
        following = (decided.replace(day=1) + timedelta(days=32)).replace(day=1)
        found["start_month"] = f"{following.year}年{following.month}月"
    data = case.data or {}
    if isinstance(data.get("persons"), int) and not case.household:
        found["persons"] = data["persons"]  # 临时救助: the persons the request names
    id_number = data.get("applicant_id_number")
    if isinstance(id_number, str) and id_number:
        found["id_number_masked"] = mask_id_number(id_number)
    termination = case.termination or {}
    if termination:
        found["termination_reason"] = _text(termination.get("reason"))
        at = termination.get("at")
        found["terminated_on"] = _iso_day(to_china_iso(at)) if isinstance(at, str) else None
    return found


def to_china_iso(stamp: str) -> str:
    """A stored naive-UTC ISO moment as the Beijing date it fell on."""
    try:
        return to_china(datetime.fromisoformat(stamp)).date().isoformat()
    except ValueError:
        return stamp


def assessment_facts(case: Case) -> tuple[dict[str, Any], dict[str, Any]]:
    """`assessment` and the income lines of `household`, from the stored assessment."""
    stored = case.assessment or {}
    if "approval_level" in stored:  # 临时救助: its standard only (engine.domain.temporary)
        return {"standard": stored.get("standard")}, {}
    if "care_tier" in stored:  # 特困 (engine.domain.tekun): the standards and the conditions not met
        return tekun_assessment_facts(stored), {}
    if not stored or "per_capita_income" not in stored:
        return {}, {}
    category = str(stored.get("category") or "")
    reasons: list[str] = []
    if category and category != "dibao":
        reasons.append(
            f"家庭月人均收入 {stored.get('per_capita_income')} 元，不低于当地最低生活保障标准"
            f" {stored.get('standard')} 元/人·月（{CATEGORY_LABELS.get(category, category)}）"
        )
    assessment = {
        "standard": stored.get("standard"),
        "per_capita_income": stored.get("per_capita_income"),
        "amount": stored.get("benefit_amount"),
        "eligible_label": "符合" if stored.get("eligible") else "不符合",
        "reasons": reasons,
    }
    income = _money(stored.get("countable_income"))
    deductions = _money(stored.get("deductions"))
    monthly = f"{Decimal(income) - Decimal(deductions or '0'):.2f}" if income else None
    return assessment, {"monthly_income": monthly, "per_capita_income": stored.get("per_capita_income")}


def notice_facts(session: Session, case: Case, parameters: Parameters | None) -> dict[str, Any]:
    notice = session.scalars(select(Notice).where(Notice.case_id == case.id).order_by(Notice.id.desc())).first()
    if notice is None:
        return {}
    starts, ends = to_china(notice.starts_at), to_china(notice.ends_at)
    return {
        "starts_on": day_text(starts.date()),
        "ends_on": day_text(ends.date()),
        "days": (notice.ends_at - notice.starts_at).days,
        "address": parameter(parameters, "document_office_address"),
        "telephone": parameter(parameters, "document_office_telephone"),
        # What the board shows (engine.records.notice_values): a 特困 notice's amount is the basic standard only.
        "persons": notice.persons,
        "amount": f"{notice.proposed_amount:.2f}",
        "tekun": case.kind in TEKUN_NOTICE_PROCESSES,
        "termination": notice.kind == "termination",
    }


def data_facts(session: Session, case: Case, task: HumanTask | None, parameters: Parameters | None) -> dict[str, Any]:
    found: dict[str, Any] = {}
    found.update(_missing_materials(session, case, parameters))
    found.update(_investigation(task))
    decision = last_submission(session, case.id, *DECISION_STEPS)
    found["decision_opinion"] = _text(decision.get("opinion"))
    found.update(_temporary(session, case))
    found.update(_democratic_review(session, case, parameters))
    found.update(_exit(session, case))
    termination = case.termination or {}
    ground = termination.get("ground")
    found["termination_ground_label"] = ENDING_GROUND_LABELS.get(ground, ground) if isinstance(ground, str) else None
    return found


def _missing_materials(session: Session, case: Case, parameters: Parameters | None) -> dict[str, Any]:
    intake = last_submission(session, case.id, "intake_review")
    items = _strings(intake.get("missing_items"))
    if not items:
        return {}
    days = parameter(parameters, "supplement_deadline_days")
    deadline = None
    if isinstance(days, int) and not isinstance(days, bool) and days > 0:
        deadline = day_text(to_china(utcnow()).date() + timedelta(days=days))
    return {"missing_materials": items, "supplement_deadline": deadline}


def _investigation(task: HumanTask | None) -> dict[str, Any]:
    """The issuing step's own record of a home visit (入户调查记录表), whichever form recorded it."""
    values = dict(task.submission or {}) if task is not None else {}
    if "investigators" not in values:
        return {}
    findings = _text(values.get("findings")) or _text(values.get("income_assets_findings"))
    return {
        "investigators": _strings(values.get("investigators")),
        "visit_date": _iso_day(values.get("visit_date")),
        "visit_method_label": VISIT_METHODS.get(str(values.get("method") or "in_person")),
        "members_present": _text(values.get("members_present")),
        "findings": findings,
        "necessary_spending": _money(values.get("necessary_spending")),
        "signed_record": _text(values.get("signed_record")),
    }


def _temporary(session: Session, case: Case) -> dict[str, Any]:
    stored = case.assessment or {}
    if "approval_level" not in stored:
        return {}
    level = str(stored.get("approval_level") or "")
    found = stored.get("settlement")
    settlement: Mapping[str, Any] = found if isinstance(found, Mapping) else {}
    advance_task = last_task(session, case.id, "advance_payment")
    advance = dict(advance_task.submission or {}) if advance_task is not None else {}
    signer = advance_task.completed_by if advance_task is not None else None
    paperwork = last_submission(session, case.id, "paperwork")
    paid = advance.get("decision") == "approve"
    return {
        "temporary_kind_label": TEMPORARY_KINDS.get(str(stored.get("kind") or "")),
        "temporary_cause_label": TEMPORARY_CAUSES.get(str(stored.get("cause") or "")),
        "hardship": _text((case.data or {}).get("hardship_description")),
        "months_counted": stored.get("months_counted"),
        "requested_amount": _money(stored.get("amount")),
        "approval_level_label": APPROVAL_LEVELS.get(level, level or None),
        "advance_amount": _money(settlement.get("advance_paid") or stored.get("advance_payment")) if paid else None,
        "advance_on": _iso_day(advance.get("paid_on")) if paid else None,
        "advance_method_label": PAYMENT_METHODS.get(str(advance.get("payment_method") or "")) if paid else None,
        "advance_voucher": _text(advance.get("voucher")) if paid else None,
        "advance_by": signer.display_name if paid and signer is not None else None,
        "paperwork_on": _iso_day(paperwork.get("completed_on")),
        "remainder_amount": _money(settlement.get("remainder_granted")),
        "granted_total": _money(settlement.get("total_granted")),
    }


def _democratic_review(session: Session, case: Case, parameters: Parameters | None) -> dict[str, Any]:
    convened = last_submission(session, case.id, "convene_review")
    panel = [m for m in convened.get("panel") or [] if isinstance(m, Mapping)]
    if not panel:
        return {}
    votes = _votes(session, case.id)
    seated, recused = [], []
    for member in panel:
        name = str(member.get("name") or "")
        if member.get("related_to_applicant"):
            recused.append(name)
            continue
        vote = votes.get(name, {})
        present = vote.get("attendance") == "present"
        seated.append(
            {
                "name": name,
                "kind_label": PANEL_KINDS.get(str(member.get("kind") or ""), member.get("kind")),
                "attendance_label": ATTENDANCE.get(str(vote.get("attendance") or "")),
                "vote_label": VOTES.get(str(vote.get("decision") or "")) if present else None,
                "signed_label": "已签字" if present and vote.get("signed") else None,
            }
        )
    counts = {key: sum(1 for v in votes.values() if v.get("decision") == key) for key in VOTES}
    present = sum(1 for v in votes.values() if v.get("attendance") == "present")
    return {
        "review_held_on": _iso_day(convened.get("held_on")),
        "review_panel": seated,
        "review_recused": recused,
        "review_present": present,
        "review_votes_for": counts["agree"],
        "review_votes_against": counts["against"],
        "review_votes_abstain": counts["abstain"],
        "review_result_label": _review_result(parameters, counts["agree"], present),
    }


def _review_result(parameters: Parameters | None, agree: int, present: int) -> str | None:
    """通过 when the votes for reach the region's share of those present (democratic_review_pass_*)."""
    numerator = parameter(parameters, "democratic_review_pass_numerator")
    denominator = parameter(parameters, "democratic_review_pass_denominator")
    if not present or not isinstance(numerator, int) or not isinstance(denominator, int) or denominator <= 0:
        return None
    return "通过" if agree * denominator >= numerator * present else "未通过"


def _votes(session: Session, case_id: int) -> dict[str, dict[str, Any]]:
    """Each seated member's own 会签 task (docs/countersign.md), by the member's name in its title."""
    tasks = session.scalars(
        select(HumanTask)
        .where(HumanTask.case_id == case_id, HumanTask.task_name == "hold_review", HumanTask.state == "completed")
        .order_by(HumanTask.id)
    )
    return {task.title.removeprefix("民主评议："): dict(task.submission or {}) for task in tasks}


def _exit(session: Session, case: Case) -> dict[str, Any]:
    proposal = last_submission(session, case.id, "exit_proposal")
    stop = last_submission(session, case.id, "stop_decision")
    months = proposal.get("months")
    found: dict[str, Any] = {"exit_months": months if isinstance(months, int) else None}
    enrolled = case.related_case_id or case.id  # a 复核 case's enrolment is its application's
    enrollment = session.scalars(select(Enrollment).where(Enrollment.case_id == enrolled)).first()
    if enrollment is not None and enrollment.ends_on is not None:
        # ends_on is the first day no longer paid: the period runs to the day before.
        found["exit_ends_on"] = day_text(enrollment.ends_on - timedelta(days=1))
    found["stop_reason"] = _text(stop.get("opinion")) if stop.get("decision") == "approve" else None
    return found


def tekun_assessment_facts(stored: dict[str, Any]) -> dict[str, Any]:
    reasons = [str(r) for r in stored.get("reasons") or [] if not stored.get("eligible")]
    return {
        "basic": stored.get("basic"),
        "care": stored.get("care"),
        "care_tier_label": TEKUN_CARE_TIERS.get(str(stored.get("care_tier")), ""),
        "amount": stored.get("total"),
        "eligible_label": "符合" if stored.get("eligible") else "不符合",
        "reasons": reasons,
    }
