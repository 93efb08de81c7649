"""The dashboard's enrollment figures: re-checks due by township, the next re-checks, and 渐退 ending soon.

Read from `enrollment`, which the processes keep current; apart from the case figures because the rules
are the enrollment's own (reviews.start_due_reviews for a re-check being due, the 渐退 end date).
"""

from __future__ import annotations

from datetime import date, timedelta

from sqlalchemy import ColumnElement, and_, case, func, select
from sqlalchemy.orm import Session

from engine.persistence import Case, Enrollment, OrgUnit
from engine.queries.dashboard.model import SOON_DAYS, ExitEnding, RecheckCounts, UpcomingRecheck
from engine.queries.dashboard.scope import Scope, township_keys


def review_due(day: date) -> ColumnElement[bool]:
    """reviews.start_due_reviews' rule: an active enrollment whose re-check date has come by `day`
    (an enrollment being re-checked has no date until its re-check decides)."""
    return and_(Enrollment.status == "active", Enrollment.next_review_on <= day)


def rechecks(session: Session, scope: Scope, today: date) -> list[RecheckCounts]:
    if not scope.villages:
        return []
    due_now = case((review_due(today), 1), else_=0)
    rows = session.execute(
        select(OrgUnit.parent_id, func.sum(due_now), func.count())
        .select_from(Enrollment)
        .join(OrgUnit, OrgUnit.id == Enrollment.village_id)
        .where(review_due(today + timedelta(days=SOON_DAYS)), Enrollment.village_id.in_(scope.village_ids))
        .group_by(OrgUnit.parent_id)
    ).all()
    found = {town: (int(due or 0), int(n)) for town, due, n in rows}
    return [RecheckCounts(unit.code, unit.name, *found.get(town, (0, 0))) for town, unit in township_keys(scope, found)]


def next_rechecks(session: Session, scope: Scope, today: date, limit: int) -> list[UpcomingRecheck]:
    if not scope.villages:
        return []
    rows = session.execute(
        select(Case.number, Enrollment.applicant_name, OrgUnit.name, Enrollment.next_review_on)
        .select_from(Enrollment)
        .join(Case, Case.id == Enrollment.case_id)
        .join(OrgUnit, OrgUnit.id == Enrollment.village_id)
        .where(
            Enrollment.status == "active",
            Enrollment.next_review_on.is_not(None),
            Enrollment.village_id.in_(scope.village_ids),
        )
        .order_by(Enrollment.next_review_on, Enrollment.id)
        .limit(limit)
    ).all()
    return [UpcomingRecheck(number, name, village, day, day <= today) for number, name, village, day in rows]


def exits(session: Session, scope: Scope, today: date, limit: int) -> tuple[list[ExitEnding], int]:
    """渐退 enrollments ending within SOON_DAYS days (or already ended, final check pending), the first
    `limit` by end date, and how many there are in all."""
    if not scope.villages:
        return [], 0
    conditions = (
        Enrollment.status == "gradual_exit",
        Enrollment.ends_on <= today + timedelta(days=SOON_DAYS),
        Enrollment.village_id.in_(scope.village_ids),
    )
    total = session.scalar(select(func.count()).select_from(Enrollment).where(*conditions)) or 0
    rows = session.execute(
        select(Case.number, Enrollment.applicant_name, OrgUnit.name, Enrollment.ends_on, Enrollment.monthly_amount)
        .select_from(Enrollment)
        .join(Case, Case.id == Enrollment.case_id)
        .join(OrgUnit, OrgUnit.id == Enrollment.village_id)
        .where(*conditions)
        .order_by(Enrollment.ends_on, Enrollment.id)
        .limit(limit)
    ).all()
    found = [
        ExitEnding(number, name, village, ends_on, f"{amount:.2f}", ends_on <= today)
        for number, name, village, ends_on, amount in rows
        if ends_on is not None
    ]
    return found, int(total)
