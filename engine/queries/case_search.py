"""案件查询: cases of the user's own org unit (village, township or county) by number, applicant,
village, status and legal-clock overdue, a page at a time. Columns only (no workflow restore).

Scope is the indexed unit column of the user's level (Case.village_id / township_id / county_id).
"Overdue" means past the legal limit and not yet decided; the calendar turns each (region, limit) pair
into the latest start date that is overdue today, so the filter is a range on `clock_started_at`
instead of a working-day count per row.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from sqlalchemy import ColumnElement, and_, false, func, or_, select
from sqlalchemy.orm import Session

from engine.clock import CHINA, to_china, to_utc, utcnow
from engine.context import Context
from engine.domain.calendar import WorkingCalendar
from engine.domain.roles import Level
from engine.errors import InvalidData, PermissionDenied
from engine.lookups import get_user
from engine.persistence import Case, OrgUnit, ProcessDefinition, User
from engine.records import legal_clock
from engine.results import LegalClock

PAGE_SIZE = 20
MAX_PAGE_SIZE = 100
STATUSES = ("open", "suspended", "closed", "cancelled")
_MAX_TEXT = 100


@dataclass(frozen=True)
class CaseFilters:
    number: str = ""
    name: str = ""
    village: str = ""  # org unit code
    status: str = ""
    process: str = ""
    overdue: bool = False


@dataclass(frozen=True)
class CaseRow:
    number: str
    kind: str
    process_title: str
    applicant_name: str | None
    village: str
    village_name: str
    status: str
    stage: str | None
    outcome: str | None
    created_at: datetime
    legal_clock: LegalClock | None


@dataclass(frozen=True)
class CaseSearchResult:
    rows: list[CaseRow]
    total: int
    page: int
    page_size: int
    filters: CaseFilters = field(default_factory=CaseFilters)

    @property
    def pages(self) -> int:
        return max((self.total + self.page_size - 1) // self.page_size, 1)


def _scope(user: User) -> ColumnElement[bool]:
    column = {
        Level.VILLAGE.value: Case.village_id,
        Level.TOWNSHIP.value: Case.township_id,
        Level.COUNTY.value: Case.county_id,
    }.get(user.org_unit.level)
    return column == user.org_unit_id if column is not None else false()


def _like_prefix(text: str) -> str:
    escaped = text.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
    return f"{escaped}%"


def overdue_cutoff(calendar: WorkingCalendar, limit: int, today: date) -> datetime:
    """The UTC moment before which a clock with this limit started is overdue today: the start day S
    is overdue iff more than `limit` working days lie in (S, today]."""
    day, elapsed, guard = today, 0, 0
    while elapsed <= limit and guard < 3660:
        elapsed += calendar.is_working_day(day)
        day -= timedelta(days=1)
        guard += 1
    # `day` is the latest overdue start day; anything that started before the next China midnight is.
    return to_utc(datetime.combine(day + timedelta(days=1), time.min, tzinfo=CHINA))


def _overdue_condition(ctx: Context, session: Session, scope: ColumnElement[bool]) -> ColumnElement[bool]:
    pairs = session.execute(
        select(Case.region, Case.clock_limit_days)
        .where(scope, Case.clock_started_at.is_not(None), Case.decided_at.is_(None), Case.clock_limit_days.is_not(None))
        .distinct()
    ).all()
    today = to_china(utcnow()).date()
    conditions = [
        and_(
            Case.region == region,
            Case.clock_limit_days == limit,
            Case.clock_started_at < overdue_cutoff(ctx.calendar(region), int(limit), today),
        )
        for region, limit in pairs
    ]
    base = and_(Case.clock_started_at.is_not(None), Case.decided_at.is_(None))
    return and_(base, or_(*conditions)) if conditions else false()


def search_cases(
    ctx: Context, username: str, filters: CaseFilters, page: int = 1, page_size: int = PAGE_SIZE
) -> CaseSearchResult:
    """The cases of the user's org unit matching `filters`, newest first. A village outside the
    user's unit is refused (PermissionDenied); a number outside it simply finds nothing."""
    page, page_size = max(page, 1), min(max(page_size, 1), MAX_PAGE_SIZE)
    _check_filters(filters)
    with ctx.db.read() as session:
        conditions = _conditions(ctx, session, get_user(session, username), filters)
        total = session.scalar(select(func.count()).select_from(Case).where(*conditions)) or 0
        found = session.execute(
            select(Case, OrgUnit.code, OrgUnit.name)
            .join(OrgUnit, OrgUnit.id == Case.village_id)
            .where(*conditions)
            .order_by(Case.id.desc())
            .limit(page_size)
            .offset((page - 1) * page_size)
        ).all()
        titles = process_titles(session, {case.kind for case, _, _ in found})
        rows = [_row(ctx, case, code, name, titles) for case, code, name in found]
        return CaseSearchResult(rows, int(total), page, page_size, filters)


def _check_filters(filters: CaseFilters) -> None:
    errors: dict[str, list[str]] = {}
    if filters.status and filters.status not in STATUSES:
        errors["status"] = ["状态：取值无效"]
    if len(filters.number) > _MAX_TEXT or len(filters.name) > _MAX_TEXT:
        errors["q"] = [f"查询条件不能超过 {_MAX_TEXT} 字"]
    if errors:
        raise InvalidData("查询条件有误", errors)


def _conditions(ctx: Context, session: Session, user: User, filters: CaseFilters) -> list[ColumnElement[bool]]:
    scope = _scope(user)
    conditions: list[ColumnElement[bool]] = [scope]
    if filters.number.strip():
        number = filters.number.strip()
        conditions.append(or_(Case.number == number, Case.number.like(_like_prefix(number), escape="\\")))
    if filters.name.strip():
        conditions.append(Case.applicant_name.like(_like_prefix(filters.name.strip()), escape="\\"))
    if filters.village:
        conditions.append(Case.village_id == _village_in_scope(session, user, filters.village).id)
    if filters.status:
        conditions.append(Case.status == filters.status)
    if filters.process:
        conditions.append(Case.kind == filters.process)
    if filters.overdue:
        conditions.append(_overdue_condition(ctx, session, scope))
    return conditions


def _village_in_scope(session: Session, user: User, code: str) -> OrgUnit:
    village = session.scalars(select(OrgUnit).where(OrgUnit.code == code)).first()
    if village is None or village.level != Level.VILLAGE.value:
        raise InvalidData("查询条件有误", {"village": [f"村/社区：{code} 不存在"]})
    if _ancestor_id(village, user.org_unit.level) != user.org_unit_id:
        raise PermissionDenied(f"无权查询 {village.name} 的案件")
    return village


def _row(ctx: Context, case: Case, code: str, name: str, titles: dict[str, str]) -> CaseRow:
    return CaseRow(
        case.number,
        case.kind,
        titles.get(case.kind, case.kind),
        case.applicant_name,
        code,
        name,
        case.status,
        case.stage,
        case.outcome,
        case.created_at,
        legal_clock.legal_clock(case, ctx.calendar(case.region)),
    )


def _ancestor_id(unit: OrgUnit, level: str) -> int | None:
    current: OrgUnit | None = unit
    while current is not None and current.level != level:
        current = current.parent
    return current.id if current is not None else None


def process_titles(session: Session, kinds: set[str]) -> dict[str, str]:
    """Process id → title of its newest deployed version."""
    if not kinds:
        return {}
    rows = session.execute(
        select(ProcessDefinition.process_id, ProcessDefinition.title)
        .where(ProcessDefinition.process_id.in_(kinds))
        .order_by(ProcessDefinition.version)
    ).all()
    return {str(process_id): str(title) for process_id, title in rows}
