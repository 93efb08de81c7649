"""The dashboard's 特困分散供养探访 block (docs/tekun-visits.md): per township of the scope, the visits still open
past their due day (逾期未探访, any month) and this month's open and done visits. One GROUP BY over `care_visit`
by the township of the visit's village (the index on status, due day and village serves the missed ones)."""

from __future__ import annotations

from datetime import date

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import Session

from engine.persistence import OrgUnit
from engine.persistence.tekun import CareVisit
from engine.queries.dashboard.model import CareVisitCounts
from engine.queries.dashboard.scope import Scope, township_keys


def care_visits(session: Session, scope: Scope, today: date) -> list[CareVisitCounts]:
    if not scope.villages:
        return []
    month = today.replace(day=1)
    is_open = CareVisit.status == "open"
    missed = and_(is_open, CareVisit.due_on < today)
    this_month = CareVisit.month == month
    rows = session.execute(
        select(
            OrgUnit.parent_id,
            func.sum(case((missed, 1), else_=0)),
            func.sum(case((and_(this_month, is_open), 1), else_=0)),
            func.sum(case((and_(this_month, CareVisit.status == "done"), 1), else_=0)),
        )
        .select_from(CareVisit)
        .join(OrgUnit, OrgUnit.id == CareVisit.village_id)
        .where(CareVisit.village_id.in_(scope.village_ids), or_(this_month, missed))
        .group_by(OrgUnit.parent_id)
    ).all()
    found = {town: (int(late or 0), int(waiting or 0), int(done or 0)) for town, late, waiting, done in rows}
    return [
        CareVisitCounts(unit.code, unit.name, *found.get(town, (0, 0, 0))) for town, unit in township_keys(scope, found)
    ]
