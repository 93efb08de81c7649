"""转介 (docs/referrals.md): township or county staff refer a case's household to a department of the
county (专项救助 after a 低保 decision: medical, education, housing, employment, and the other kinds); the
department's 部门经办人 accepts it and answers — handled, with the result, or not ours, with the reason.
One audited transaction each (`referral_opened`, `referral_accepted`, `referral_answered`, with the case);
the department is told of a new referral, the referrer of the answer, through the notification outbox."""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from engine import policy
from engine.clock import utcnow
from engine.context import Context
from engine.domain.payroll import applicant_id_number
from engine.domain.roles import Level
from engine.domain.vocabulary_window import REFERRAL_KIND_LABELS
from engine.errors import Conflict, InvalidData, NotFound
from engine.lookups import get_user
from engine.persistence import Case, OrgUnit, User
from engine.persistence.referrals import REFERRAL_OPEN_STATUSES, Referral
from engine.policy.referrals import DEPARTMENT_ROLE
from engine.queries.referrals import ReferralRow, find_referral, row_of
from engine.records import audit
from engine.records.notifications.outbox import Message, send, staff_of
from engine.records.window import open_referral

MAX_TEXT = 1000
ANSWERS = {"handled": "办理结果", "not_ours": "原因"}
REFER_INVALID = "转介信息有误"
ANSWER_INVALID = "反馈信息有误"


def _text(value: str | None, field: str, what: str, title: str) -> str:
    text = (value or "").strip()
    if not text:
        raise InvalidData(title, {field: [f"{what}：必填"]})
    if len(text) > MAX_TEXT:
        raise InvalidData(title, {field: [f"{what}：不能超过 {MAX_TEXT} 个字（现有 {len(text)} 个字）"]})
    return text


def _department(session: Session, code: str, case: Case) -> OrgUnit:
    """The receiving unit by its code; open_referral refuses a unit that is not a department."""
    key = code.strip()
    if not key:
        raise InvalidData(REFER_INVALID, {"department": ["接收部门：必填"]})
    unit = session.scalars(select(OrgUnit).where(OrgUnit.code == key)).first()
    if unit is None:
        raise InvalidData(REFER_INVALID, {"department": [f"接收部门：{key[:64]} 不存在"]})
    if unit.level == Level.DEPARTMENT.value and unit.parent_id != case.county_id:
        raise InvalidData(REFER_INVALID, {"department": [f"接收部门：{unit.name}不是本案件所在县的部门"]})
    return unit


def refer_case(ctx: Context, username: str, number: str, *, department: str, kind: str, reason: str) -> ReferralRow:
    """PermissionDenied outside scope (403), NotFound for the case, InvalidData for the department (not a
    department, another county's), the kind or the reason (422): nothing written then."""
    with ctx.db.write() as session:
        user = get_user(session, username)
        case = session.scalars(select(Case).where(Case.number == number)).first()
        if case is None:
            raise NotFound(f"案件 {number} 不存在")
        policy.referrals.check_may_refer(user, case)
        if kind not in REFERRAL_KIND_LABELS:
            raise InvalidData(
                REFER_INVALID, {"kind": [f"转介事项：应为{'、'.join(REFERRAL_KIND_LABELS.values())}之一"]}
            )
        text = _text(reason, "reason", "转介事由", REFER_INVALID)
        unit = _department(session, department, case)
        referral = open_referral(
            ctx,
            session,
            user,
            unit,
            kind=kind,
            reason=text,
            person_name=case.applicant_name or "—",
            id_number=_id_number(case),
            case=case,
        )
        body = f"{unit.name}收到转介 {referral.number}（{REFERRAL_KIND_LABELS[kind]}）：{text}"
        message = Message("referral_new", f"referral:{referral.id}:new", f"新转介：{referral.number}", body, case.id)
        send(session, message, staff_of(session, DEPARTMENT_ROLE, unit.id))
        return row_of(referral, {user.id: user}, utcnow())


def accept(ctx: Context, username: str, number: str) -> ReferralRow:
    """The department takes the referral (待接收 → 办理中): 403 for another department, 409 once taken."""
    with ctx.db.write() as session:
        user = get_user(session, username)
        referral = find_referral(session, number)
        policy.referrals.check_may_answer(user, referral)
        if referral.status != "pending":
            raise Conflict(
                f"转介 {referral.number} 已{'接收' if referral.status == 'accepted' else '反馈'}，无需再接收"
            )
        referral.status, referral.accepted_at = "accepted", utcnow()
        audit.record(
            session,
            "referral_accepted",
            audit.Actor.of(user, DEPARTMENT_ROLE),
            case_id=referral.case_id,
            details=_details(referral),
        )
        return row_of(referral, {user.id: user}, utcnow())


def answer(ctx: Context, username: str, number: str, *, answer: str, text: str) -> ReferralRow:
    """handled (with the result) or not_ours (with the reason), from pending or accepted: 403 for another
    department, 422 for the answer or its text, 409 when already answered."""
    with ctx.db.write() as session:
        user = get_user(session, username)
        referral = find_referral(session, number)
        policy.referrals.check_may_answer(user, referral)
        if referral.status not in REFERRAL_OPEN_STATUSES:
            raise Conflict(f"转介 {referral.number} 已由{referral.department.name}反馈，不能重复反馈")
        if answer not in ANSWERS:
            raise InvalidData(ANSWER_INVALID, {"answer": ["反馈结果：应为“已办结”或“非本部门事项”"]})
        body = _text(text, "text", ANSWERS[answer], ANSWER_INVALID)
        now = utcnow()
        referral.status, referral.answer, referral.answer_text = answer, answer, body
        referral.answered_by_id, referral.answered_at = user.id, now
        audit.record(
            session,
            "referral_answered",
            audit.Actor.of(user, DEPARTMENT_ROLE),
            case_id=referral.case_id,
            details={**_details(referral), "answer": answer, "text": body},
        )
        title = f"转介已反馈：{referral.number}"
        what = "已办结" if answer == "handled" else "非本部门事项"
        message = Message(
            "referral_answered",
            f"referral:{referral.id}:answered",
            title,
            f"{referral.department.name}反馈转介 {referral.number}：{what}。{body}",
            referral.case_id,
        )
        send(session, message, list(session.scalars(select(User).where(User.id == referral.referred_by_id)).unique()))
        return row_of(referral, {user.id: user}, now)


def _id_number(case: Case) -> str | None:
    """The applicant's 身份证号: the start form's, else the household's `self` member's."""
    data = case.data or {}
    found = data.get("applicant_id_number") or applicant_id_number(case.household or data.get("household"))
    return str(found) if found else None


def _details(referral: Referral) -> dict[str, str]:
    return {
        "referral": referral.number,
        "department": referral.department.code,
        "department_name": referral.department.name,
    }
