"""What the 转介 pages, the API and the CLI show (docs/referrals.md): a department's or a scope's referrals,
one referral with what its reader may do, a case's referrals for its page, the departments a case may be
referred to, and the case timeline's sentences for the referral events."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, joinedload

from engine import policy
from engine.clock import utcnow
from engine.context import Context
from engine.domain.id_numbers import mask_id_number
from engine.domain.roles import Level
from engine.domain.vocabulary import label
from engine.domain.vocabulary_window import REFERRAL_KIND_LABELS, REFERRAL_SOURCE_LABELS, REFERRAL_STATUS_LABELS
from engine.errors import InvalidData, NotFound
from engine.lookups import get_user
from engine.persistence import AuditEvent, Case, OrgUnit, User
from engine.persistence.referrals import REFERRAL_OPEN_STATUSES, Referral
from forms import FormDefinition

STATUSES = tuple(REFERRAL_STATUS_LABELS)


@dataclass(frozen=True)
class ReferralRow:
    number: str
    kind: str
    kind_label: str
    status: str
    status_label: str
    source_label: str
    department_code: str
    department_name: str
    case_number: str | None
    person_name: str
    id_number: str | None  # masked
    reason: str
    referred_by: str
    referred_at: datetime  # naive UTC
    due_at: datetime  # naive UTC
    overdue: bool  # still open after its feedback deadline
    accepted_at: datetime | None
    answer_text: str | None
    answered_by: str | None
    answered_at: datetime | None


@dataclass(frozen=True)
class ReferralPage:
    referral: ReferralRow
    may_accept: bool
    may_answer: bool


@dataclass(frozen=True)
class Department:
    code: str
    name: str


def _person(user: User | None) -> str | None:
    return f"{user.display_name}（{user.username}）" if user is not None else None


def row_of(referral: Referral, people: Mapping[int, User], now: datetime) -> ReferralRow:
    return ReferralRow(
        number=referral.number,
        kind=referral.kind,
        kind_label=label(REFERRAL_KIND_LABELS, referral.kind),
        status=referral.status,
        status_label=label(REFERRAL_STATUS_LABELS, referral.status),
        source_label=label(REFERRAL_SOURCE_LABELS, referral.source),
        department_code=referral.department.code,
        department_name=referral.department.name,
        case_number=referral.case.number if referral.case is not None else None,
        person_name=referral.person_name,
        id_number=mask_id_number(referral.id_number) if referral.id_number else None,
        reason=referral.reason,
        referred_by=_person(people.get(referral.referred_by_id)) or "—",
        referred_at=referral.referred_at,
        due_at=referral.due_at,
        overdue=referral.status in REFERRAL_OPEN_STATUSES and referral.due_at < now,
        accepted_at=referral.accepted_at,
        answer_text=referral.answer_text,
        answered_by=_person(people.get(referral.answered_by_id)) if referral.answered_by_id else None,
        answered_at=referral.answered_at,
    )


def _rows(session: Session, referrals: list[Referral]) -> list[ReferralRow]:
    ids = {r.referred_by_id for r in referrals} | {r.answered_by_id for r in referrals if r.answered_by_id}
    people = {u.id: u for u in session.scalars(select(User).where(User.id.in_(ids))).unique()} if ids else {}
    now = utcnow()
    return [row_of(r, people, now) for r in referrals]


def _options() -> tuple[Any, ...]:
    return (joinedload(Referral.department), joinedload(Referral.case))


LIST_LIMIT = 500


def list_referrals(ctx: Context, username: str, status: str | None = None) -> list[ReferralRow]:
    """The referrals the user may see (a department user: their department's), by deadline; `status`
    one of STATUSES, or "open" for pending and accepted."""
    if status and status != "open" and status not in STATUSES:
        raise InvalidData("筛选条件有误", {"status": [f"状态：应为 open、{'、'.join(STATUSES)} 之一"]})
    with ctx.db.read() as session:
        user = get_user(session, username)
        policy.referrals.check_may_list(user)
        query = select(Referral).where(policy.referrals.scope_filter(user)).options(*_options())
        if status == "open":
            query = query.where(Referral.status.in_(REFERRAL_OPEN_STATUSES))
        elif status:
            query = query.where(Referral.status == status)
        referrals = list(session.scalars(query.order_by(Referral.due_at, Referral.id).limit(LIST_LIMIT)).unique())
        return _rows(session, referrals)


def find_referral(session: Session, number: str) -> Referral:
    referral = session.scalars(select(Referral).where(Referral.number == number).options(*_options())).first()
    if referral is None:
        raise NotFound(f"转介 {number} 不存在")
    return referral


def show_referral(ctx: Context, username: str, number: str) -> ReferralPage:
    with ctx.db.read() as session:
        user = get_user(session, username)
        policy.referrals.check_may_list(user)  # 403 before 404 for who sees no referral at all
        referral = find_referral(session, number)
        policy.referrals.check_may_see(user, referral)
        answerable = policy.referrals.may_answer(user, referral) and referral.status in REFERRAL_OPEN_STATUSES
        return ReferralPage(
            referral=_rows(session, [referral])[0],
            may_accept=answerable and referral.status == "pending",
            may_answer=answerable,
        )


def case_referrals(session: Session, case_id: int) -> tuple[ReferralRow, ...]:
    query = select(Referral).where(Referral.case_id == case_id).options(*_options()).order_by(Referral.id)
    return tuple(_rows(session, list(session.scalars(query).unique())))


def departments_of(session: Session, county_id: int | None) -> tuple[Department, ...]:
    if county_id is None:
        return ()
    query = select(OrgUnit).where(OrgUnit.parent_id == county_id, OrgUnit.level == Level.DEPARTMENT.value)
    return tuple(Department(u.code, u.name) for u in session.scalars(query.order_by(OrgUnit.code)))


def case_departments(ctx: Context, username: str, number: str) -> tuple[Department, ...]:
    """The departments of the case's county, for the 转介其他部门 form (PermissionDenied for who may not refer)."""
    with ctx.db.read() as session:
        user = get_user(session, username)
        case = session.scalars(select(Case).where(Case.number == number)).first()
        if case is None:
            raise NotFound(f"案件 {number} 不存在")
        policy.referrals.check_may_refer(user, case)
        return departments_of(session, case.county_id)


# --- the case timeline (engine.queries.case_page merges these into its SENTENCES) -------------------

Describe = Callable[[AuditEvent, Mapping[str, Any], str, Mapping[str, FormDefinition]], str]


def _opened(event: AuditEvent, d: Mapping[str, Any], title: str, forms: Mapping[str, FormDefinition]) -> str:
    kind = label(REFERRAL_KIND_LABELS, d.get("kind"))
    return f"转介{d.get('department_name') or '其他部门'}办理{kind}（{d.get('referral', '?')}）"


def _accepted(event: AuditEvent, d: Mapping[str, Any], title: str, forms: Mapping[str, FormDefinition]) -> str:
    return f"{d.get('department_name') or '部门'}接收转介 {d.get('referral', '?')}"


def _answered(event: AuditEvent, d: Mapping[str, Any], title: str, forms: Mapping[str, FormDefinition]) -> str:
    what = "已办结" if d.get("answer") == "handled" else "答复非本部门事项"
    head = "办理结果" if d.get("answer") == "handled" else "原因"
    return f"{d.get('department_name') or '部门'}反馈转介 {d.get('referral', '?')}：{what}，{head}：{d.get('text', '')}"


SENTENCES: dict[str, Describe] = {
    "referral_opened": _opened,
    "referral_accepted": _accepted,
    "referral_answered": _answered,
}
