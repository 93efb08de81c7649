"""Enrolments to re-check (issue 14, docs/starting-cases.md): the 动态复核 start form's household picker, the
prefill of the chosen one, and the preview of the due re-checks a batch would start.

Scope is the user's own org unit (a village, a township, a county), the same rule start_case checks
again; the due list uses exactly the selection of engine.services.reviews.start_due_reviews, so the
preview shows what starting would create.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime
from typing import Any

from sqlalchemy import ColumnElement, func, or_, select

from engine.context import Context
from engine.domain.roles import Level
from engine.errors import NotFound
from engine.lookups import get_user
from engine.persistence import Case, Enrollment, OrgUnit, User

SEARCH_LIMIT = 20
PREVIEW_LIMIT = 1000  # the page lists this many; the count is always complete


@dataclass(frozen=True)
class EnrolmentChoice:
    case_number: str
    applicant_name: str
    village: str
    persons: int
    monthly_amount: str
    next_review_on: date | None


@dataclass(frozen=True)
class DuePreview:
    day: date
    count: int
    items: list[EnrolmentChoice]


def _scope(user: User) -> ColumnElement[bool]:
    unit = user.org_unit
    if unit.level == Level.VILLAGE.value:
        return Case.village_id == unit.id
    return (Case.township_id if unit.level == Level.TOWNSHIP.value else Case.county_id) == unit.id


def _choice(enrollment: Enrollment, case: Case, village: str) -> EnrolmentChoice:
    return EnrolmentChoice(
        case.number,
        enrollment.applicant_name,
        village,
        enrollment.persons,
        f"{enrollment.monthly_amount:.2f}",
        enrollment.next_review_on,
    )


def _rows(*where: ColumnElement[bool]) -> Any:
    return (
        select(Enrollment, Case, OrgUnit.name)
        .join(Case, Case.id == Enrollment.case_id)
        .join(OrgUnit, OrgUnit.id == Enrollment.village_id)
        .where(Enrollment.status == "active", *where)
    )


def search_enrolments(ctx: Context, username: str, text: str) -> list[EnrolmentChoice]:
    """Active enrolments in the user's scope whose case number or applicant's name contains `text`."""
    needle = text.strip()
    with ctx.db.read() as session:
        user = get_user(session, username)
        query = _rows(_scope(user))
        if needle:
            pattern = f"%{needle.replace('%', '').replace('_', '')}%"
            query = query.where(or_(Case.number.like(pattern), Enrollment.applicant_name.like(pattern)))
        rows = session.execute(query.order_by(Case.number).limit(SEARCH_LIMIT)).all()
        return [_choice(e, c, v) for e, c, v in rows]


def enrolment_prefill(ctx: Context, username: str, number: str) -> dict[str, Any]:
    """The 动态复核 start data an enrolment gives: its village, case, amount and household as last verified.
    NotFound (naming the number) when no active enrolment of that case lies in the user's scope."""
    with ctx.db.read() as session:
        user = get_user(session, username)
        row = session.execute(
            select(Enrollment, OrgUnit.code)
            .join(Case, Case.id == Enrollment.case_id)
            .join(OrgUnit, OrgUnit.id == Enrollment.village_id)
            .where(Enrollment.status == "active", Case.number == number, _scope(user))
        ).first()
        if row is None:
            raise NotFound(f"本辖区没有保障中的案件 {number}")
        enrollment, village = row
        return {
            "village": village,
            "related_case": number,
            "current_amount": f"{enrollment.monthly_amount:.2f}",
            "household": enrollment.household or {},
        }


def due_reviews(ctx: Context, username: str, day: date) -> DuePreview:
    """The enrolments whose re-check is due on `day` in the user's township or county (the batch's choice)."""
    with ctx.db.read() as session:
        user = get_user(session, username)
        due = (Enrollment.next_review_on <= day, _scope(user))
        count = session.scalar(
            select(func.count(Enrollment.id))
            .join(Case, Case.id == Enrollment.case_id)
            .where(Enrollment.status == "active", *due)
        )
        rows = session.execute(
            _rows(*due).order_by(Enrollment.next_review_on, Enrollment.id).limit(PREVIEW_LIMIT)
        ).all()
        return DuePreview(day, int(count or 0), [_choice(e, c, v) for e, c, v in rows])


def started_reviews(ctx: Context, username: str, since: datetime) -> list[str]:
    """The 动态复核 case numbers the user started since `since`: the batch's result page."""
    with ctx.db.read() as session:
        user = get_user(session, username)
        return list(
            session.scalars(
                select(Case.number)
                .where(Case.kind == "periodic_review", Case.created_by_id == user.id, Case.created_at >= since)
                .order_by(Case.id)
            )
        )
