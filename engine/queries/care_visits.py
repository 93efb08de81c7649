"""The open monthly visits to 特困 recipients in 分散供养 (docs/tekun-visits.md) in the user's village, township or
county: this month's still to do, and earlier months' missed ones (open past their due day), each with its
visit case. Names are the enrollment's masked name; nothing here shows an ID number."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, Select, func, select, true
from sqlalchemy.orm import Session, aliased

from engine import policy
from engine.clock import china_today
from engine.context import Context
from engine.domain.roles import Level
from engine.lookups import get_user
from engine.persistence import Case, Enrollment, OrgUnit, User
from engine.persistence.tekun import CareVisit

LIMIT = 500  # lines on one page, the most pressing first (missed, then by due day)


@dataclass(frozen=True)
class VisitLine:
    name: str  # masked
    village: str
    township: str
    month: date
    due_on: date
    missed: bool  # open past its due day
    case_number: str | None


@dataclass(frozen=True)
class VisitList:
    scope_name: str
    today: date
    lines: list[VisitLine]
    total: int  # open visits in scope (or missed ones, with missed_only)
    missed: int  # of the open visits in scope, past their due day
    missed_only: bool


_VILLAGE = aliased(OrgUnit)
_TOWNSHIP = aliased(OrgUnit)


def _in_scope(user: User) -> ColumnElement[bool]:
    unit = user.org_unit
    if unit.level == Level.VILLAGE.value:
        return CareVisit.village_id == unit.id
    if unit.level == Level.TOWNSHIP.value:
        return _VILLAGE.parent_id == unit.id
    return _TOWNSHIP.parent_id == unit.id


def open_visits(ctx: Context, username: str, *, missed_only: bool = False) -> VisitList:
    """PermissionDenied for a user outside policy.care_visits' viewers."""
    today = china_today()
    with ctx.db.read() as session:
        user = get_user(session, username)
        policy.care_visits.check_may_see_visits(user)
        late = CareVisit.due_on < today
        where = [CareVisit.status == "open", _in_scope(user)]
        missed = _count(session, _scoped(select(func.count()), *where, late))
        total = missed if missed_only else _count(session, _scoped(select(func.count()), *where))
        rows = session.execute(
            _scoped(select(CareVisit, Enrollment.masked_name, _VILLAGE.name, _TOWNSHIP.name, Case.number), *where)
            .where(late if missed_only else true())
            .join(Enrollment, Enrollment.id == CareVisit.enrollment_id)
            .outerjoin(Case, Case.id == CareVisit.case_id)
            .order_by(CareVisit.due_on, _VILLAGE.code, CareVisit.id)
            .limit(LIMIT)
        ).all()
        lines = [
            VisitLine(name, village, township, visit.month, visit.due_on, visit.due_on < today, number)
            for visit, name, village, township, number in rows
        ]
        return VisitList(user.org_unit.name, today, lines, total, missed, missed_only)


def _scoped(query: Select[Any], *where: ColumnElement[bool]) -> Select[Any]:
    return (
        query.select_from(CareVisit)
        .join(_VILLAGE, _VILLAGE.id == CareVisit.village_id)
        .join(_TOWNSHIP, _TOWNSHIP.id == _VILLAGE.parent_id)
        .where(*where)
    )


def _count(session: Session, query: Select[Any]) -> int:
    return int(session.scalar(query) or 0)
