"""Monthly visits to 特困 recipients in 分散供养 (docs/tekun-visits.md). The worker's job `open_due` opens, on its
first run in a month (China time), one CareVisit per active dispersed 特困 enrollment whose support has begun,
each with a `tekun_care_visit` case for the recipient's village, due on the month's last day.

"Once" holds with two workers: on PostgreSQL the enrollments are claimed FOR UPDATE SKIP LOCKED, so a second
worker passes over those the first is opening; everywhere the unique key (enrollment, month) refuses a second
visit, and a round that loses that race rolls back and finds nothing left the next time. A visit is for the
current month only: a month the worker did not run in gets no visit afterwards.

The cases are started acting as a county clerk of the recipient's county, else its approver (the process's
starters); a county with neither is passed over until it has one (its recipients do not hold up the others)."""

from __future__ import annotations

import logging
from collections import defaultdict
from datetime import date, timedelta
from typing import Any

from sqlalchemy import exists, select
from sqlalchemy.orm import Session, aliased

from engine import policy
from engine.clock import china_today
from engine.context import Context
from engine.domain.benefit import first_of_next_month
from engine.persistence import Case, Enrollment, OrgUnit, User, UserRole
from engine.persistence.tekun import CareVisit
from engine.records import audit
from engine.services.cases import start_batch

log = logging.getLogger("dibao.care_visits")

PROCESS_ID = "tekun_care_visit"
PROGRAMME = "tekun"
SUPPORT_MODE = "dispersed"
CHUNK = 200  # enrollments per round; the worker comes straight back while a round found work


def month_of(day: date) -> tuple[date, date]:
    """The first and the last day of the month `day` lies in."""
    return day.replace(day=1), first_of_next_month(day) - timedelta(days=1)


def open_due(ctx: Context) -> int:
    """Open this month's visit of every dispersed 特困 recipient that has none yet; how many were opened."""
    today = china_today()
    month, _ = month_of(today)
    with ctx.db.write() as session:
        by_county: dict[int, list[tuple[Enrollment, Case, str]]] = defaultdict(list)
        for enrollment, case, village_code, county_id in session.execute(_due_query(ctx, month, today)):
            by_county[county_id].append((enrollment, case, village_code))
        return sum(_open_county(ctx, session, county_id, month, due) for county_id, due in by_county.items())


def _due_query(ctx: Context, month: date, today: date) -> Any:
    village, township = aliased(OrgUnit), aliased(OrgUnit)
    visited = exists().where(CareVisit.enrollment_id == Enrollment.id, CareVisit.month == month)
    staffed = exists().where(
        User.org_unit_id == township.parent_id,
        User.active.is_(True),
        UserRole.user_id == User.id,
        UserRole.role.in_(policy.care_visits.OPENING_ROLES),
    )
    query = (
        select(Enrollment, Case, village.code, township.parent_id)
        .join(Case, Case.id == Enrollment.case_id)
        .join(village, village.id == Enrollment.village_id)
        .join(township, township.id == village.parent_id)
        .where(
            Enrollment.programme == PROGRAMME,
            Enrollment.status == "active",
            Enrollment.starts_on <= today,  # support from the month after the decision: no visit before
            Enrollment.support["support_mode"].as_string() == SUPPORT_MODE,
            ~visited,
            staffed,
        )
        .order_by(Enrollment.id)
        .limit(CHUNK)
    )
    if ctx.db.is_postgres:
        query = query.with_for_update(of=Enrollment, skip_locked=True)  # another worker's are skipped
    return query


def _acting_user(session: Session, county_id: int) -> User | None:
    candidates = session.scalars(
        select(User)
        .join(UserRole, UserRole.user_id == User.id)
        .where(
            User.org_unit_id == county_id, User.active.is_(True), UserRole.role.in_(policy.care_visits.OPENING_ROLES)
        )
        .order_by(User.id)
    ).unique()  # a user's roles are loaded with them
    eligible = [u for u in candidates if policy.care_visits.may_open(u)]
    preferred = [u for u in eligible if policy.care_visits.PREFERRED_ROLE in u.roles]
    return next(iter(preferred or eligible), None)


def _open_county(
    ctx: Context, session: Session, county_id: int, month: date, due: list[tuple[Enrollment, Case, str]]
) -> int:
    user = _acting_user(session, county_id)
    if user is None:
        log.warning("县 %s 没有可开启特困探访的县民政经办人员，%d 名特困人员本月探访暂未开启", county_id, len(due))
        return 0
    _, last_day = month_of(month)
    visits = [
        CareVisit(enrollment_id=e.id, month=month, village_id=e.village_id, due_on=last_day, status="open")
        for e, _, _ in due
    ]
    session.add_all(visits)
    session.flush()  # the visits' ids go into the start data; a second visit for the month fails here
    lookups: dict[Any, Any] = {("case", case.number): case for _, case, _ in due}
    datas = [_start_data(e, case, code, month, v) for (e, case, code), v in zip(due, visits, strict=True)]
    started = start_batch(ctx, session, user, PROCESS_ID, datas, lookups)
    for visit, case in zip(visits, started, strict=True):
        visit.case_id = case.id
    audit.record(
        session,
        "care_visits_opened",
        audit.Actor.of(user),
        details={"county": county_id, "month": month.isoformat(), "visits": len(visits)},
    )
    return len(visits)


def _start_data(enrollment: Enrollment, related: Case, village: str, month: date, visit: CareVisit) -> dict[str, Any]:
    data: dict[str, Any] = {
        "village": village,
        "related_case": related.number,
        "month": month.isoformat(),
        "care_visit_id": visit.id,
    }
    # Who to visit and who cares for them, for the task's 申请人 panel; blanks are left out (the form refuses them).
    carer = (enrollment.support or {}).get("carer_name")
    for key, value in (("applicant_name", enrollment.applicant_name), ("carer_name", carer)):
        if isinstance(value, str) and value.strip():
            data[key] = value.strip()[:100]
    return data
