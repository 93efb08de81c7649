"""统计看板 (issue 6): aggregates over the user's township or county, read from indexed columns only.

Nothing here restores a workflow: every figure is a GROUP BY over `case_file`, `human_task` or
`enrollment`, which the processes keep current (engine.records.case_sync, runner).

Definitions (the page's captions say the same in Chinese):
- open: `Case.status == "open"`; its stage is `Case.stage` (what the process waits for now);
- overdue (case): open, undecided and past its legal limit (legal_clock: more than `clock_limit_days`
  working days since 受理). The calendar turns each (region, limit) pair into the latest start that is
  overdue today (case_search's cutoff), so the test is a range on `clock_started_at`;
- decided: `Case.decided_at` within the last 12 months (the same date a year ago, Beijing time, up to now);
- decided in time: decided with a legal clock and at most `clock_limit_days` working days used at the
  decision, exactly legal_clock's rule. Working days cannot be counted in SQL, but for one decision day D
  and one limit the in-time starts are exactly those at or after cutoff(D), so a small table with a row
  per decision day (about 250 a year: days off merge into the day before) and a cutoff per (region,
  limit) is joined to the decided cases in SQL;
- tasks: open or claimed HumanTasks, overdue when past `due_at`, counted at the township of their village;
- 渐退 ending: enrollments in `gradual_exit` whose end date is within 30 days (or already passed while
  the final check is still pending);
- re-checks due: the rule of reviews.start_due_reviews (active, `next_review_on` on or before the day).

Who: township heads see their township; county clerks, approvers, the coordination committee, auditors
and administrators their county. Township clerks, village assistants, the verification centre and
designers do not get the dashboard (it is a supervision view, not a worklist).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import ColumnElement, DateTime, Integer, and_, case, column, func, literal, or_, select, values
from sqlalchemy.orm import Session

from engine import policy
from engine.clock import CHINA, to_china, to_utc, utcnow
from engine.context import Context
from engine.domain.calendar import WorkingCalendar
from engine.domain.roles import Level
from engine.errors import InvalidData
from engine.lookups import get_user
from engine.persistence import Case, Enrollment, HumanTask, OrgUnit, User
from engine.queries.case_search import overdue_cutoff, process_titles
from engine.queries.status import calendar_warnings
from engine.records import audit

OPEN_TASK_STATES = ("open", "claimed")
SOON_DAYS = 30
LIST_LIMIT = 50
EXPORT_LIMIT = 10_000
OTHER = "（其他）"


# --- what the service returns ----------------------------------------------------------------------


@dataclass(frozen=True)
class StageCount:
    process_id: str
    process_title: str
    stage: str
    count: int


@dataclass(frozen=True)
class CaseCounts:
    """Open, overdue (of the open) and decided (last 12 months) cases of one township or region."""

    key: str  # township code or region
    name: str
    open: int
    overdue: int
    decided: int


@dataclass(frozen=True)
class TaskCounts:
    code: str
    name: str
    open: int  # open or claimed
    overdue: int


@dataclass(frozen=True)
class Timeliness:
    code: str
    name: str
    decided: int  # decided with a legal clock in the last 12 months
    in_time: int

    @property
    def share(self) -> float | None:
        return self.in_time / self.decided if self.decided else None


@dataclass(frozen=True)
class ExitEnding:
    case_number: str
    household: str
    village: str
    ends_on: date
    monthly_amount: str
    ended: bool  # the end date has passed; the final check is still pending


@dataclass(frozen=True)
class RecheckCounts:
    code: str
    name: str
    due: int  # due today or earlier
    due_soon: int  # due within SOON_DAYS days (including those already due)


@dataclass(frozen=True)
class UpcomingRecheck:
    case_number: str
    household: str
    village: str
    next_review_on: date
    due: bool


@dataclass(frozen=True)
class Dashboard:
    scope_name: str
    scope_level: str
    as_of: datetime  # naive UTC: the moment every figure refers to
    today: date  # its Beijing date
    period_start: date  # first day of the 12 months counted as "decided"
    region: str | None
    regions: list[str]  # the regions in the user's scope (the filter's choices)
    by_stage: list[StageCount]
    by_region: list[CaseCounts]
    by_township: list[CaseCounts]
    tasks: list[TaskCounts]
    timeliness: list[Timeliness]
    exits: list[ExitEnding]
    exits_total: int
    rechecks: list[RecheckCounts]
    next_rechecks: list[UpcomingRecheck]
    calendar_warnings: list[str]

    @property
    def timeliness_total(self) -> Timeliness:
        return Timeliness(
            "",
            "合计",
            sum(t.decided for t in self.timeliness),
            sum(t.in_time for t in self.timeliness),
        )


# --- scope -----------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Unit:
    code: str
    name: str


@dataclass
class _Scope:
    unit: OrgUnit
    townships: dict[int, _Unit]
    villages: dict[int, _Unit]
    regions: list[str]  # all regions of the unit's villages (the filter's choices)
    region: str | None  # the one chosen, if any
    county_id: int | None  # the county every case of the scope belongs to
    narrower: list[ColumnElement[bool]]  # further conditions on cases (township, region)

    @property
    def cases(self) -> list[ColumnElement[bool]]:
        county = [Case.county_id == self.county_id] if self.county_id is not None else []
        return county + self.narrower


def _scope(session: Session, user: User, region: str | None) -> _Scope:
    """The townships and villages below the user's unit (optionally of one region), and the matching
    conditions on cases. A township's cases also carry its county's id (set at registration from the
    village's ancestors), which lets township and county views use the same indexes, led by `county_id`."""
    unit = user.org_unit
    narrower: list[ColumnElement[bool]] = []
    if unit.level == Level.COUNTY.value:
        towns = list(session.scalars(select(OrgUnit).where(OrgUnit.parent_id == unit.id)))
        county_id: int | None = unit.id
    else:
        towns = [unit]
        narrower.append(Case.township_id == unit.id)
        parent = unit.parent
        county_id = parent.id if parent is not None and parent.level == Level.COUNTY.value else None
    villages = list(
        session.scalars(select(OrgUnit).where(OrgUnit.parent_id.in_([t.id for t in towns])).order_by(OrgUnit.code))
    )
    regions = sorted({v.region for v in villages} | {unit.region})
    if region is not None:
        if region not in regions:
            raise InvalidData("查询条件有误", {"region": [f"地区：{region} 不在您的管辖范围内"]})
        villages = [v for v in villages if v.region == region]
        towns = [t for t in towns if t.region == region or any(v.parent_id == t.id for v in villages)]
        narrower.append(Case.region == region)
    return _Scope(
        unit,
        {t.id: _Unit(t.code, t.name) for t in sorted(towns, key=lambda t: t.id)},
        {v.id: _Unit(v.code, v.name) for v in villages},
        regions,
        region,
        county_id,
        narrower,
    )


# --- the dashboard ---------------------------------------------------------------------------------


def dashboard(
    ctx: Context,
    username: str,
    region: str | None = None,
    as_of: datetime | None = None,
    list_limit: int = LIST_LIMIT,
) -> Dashboard:
    """Every figure of the dashboard for the user's township or county, in one read transaction.

    `as_of` (naive UTC, default now) is the moment the dated figures refer to (overdue, the 12 months,
    30 days, re-checks due); states (open, stage, 渐退) are the stored ones. `region` narrows a county's
    figures to one region of its villages (InvalidData for a region outside the user's scope);
    `list_limit` caps the 渐退 and re-check lists (the CSV export asks for EXPORT_LIMIT)."""
    now = as_of or utcnow()
    today = to_china(now).date()
    period_start = _year_before(today)
    with ctx.db.read() as session:
        user = get_user(session, username)
        policy.check_dashboard_user(user)
        scope = _scope(session, user, region or None)
        open_rows = _open_cases(session, scope)
        overdue = _overdue_cases(ctx, session, scope, {(r, lim) for _, r, _, _, lim, _ in open_rows}, today)
        decided = _decided(ctx, session, scope, period_start, now)
        by_stage = _by_stage(session, open_rows)
        exits, exits_total = _exits(session, scope, today, list_limit)
        board = Dashboard(
            scope_name=scope.unit.name,
            scope_level=scope.unit.level,
            as_of=now,
            today=today,
            period_start=period_start,
            region=region or None,
            regions=scope.regions,
            by_stage=by_stage,
            by_region=_by_region(scope, open_rows, overdue, decided),
            by_township=_by_township(scope, open_rows, overdue, decided),
            tasks=_tasks(session, scope, now),
            timeliness=_timeliness(scope, decided),
            exits=exits,
            exits_total=exits_total,
            rechecks=_rechecks(session, scope, today),
            next_rechecks=_next_rechecks(session, scope, today, list_limit),
            calendar_warnings=calendar_warnings(ctx, [today.year, today.year + 1]),
        )
    return board


def record_export(ctx: Context, username: str, table: str, rows: int, region: str | None) -> None:
    """A CSV export takes the figures (and the names in the 渐退 and re-check lists) out of the system:
    recorded as `dashboard_exported`. Page views are not recorded (they show what case search shows)."""
    with ctx.db.write() as session:
        user = get_user(session, username)
        policy.check_dashboard_user(user)
        audit.record(
            session,
            "dashboard_exported",
            audit.Actor.of(user, min(user.roles & policy.DASHBOARD_ROLES)),
            details={"table": table, "rows": rows, "region": region, "scope": user.org_unit.code},
        )


def _year_before(day: date) -> date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)


def _day_start(day: date) -> datetime:
    """Beijing midnight of `day` as naive UTC."""
    return to_utc(datetime.combine(day, time.min, tzinfo=CHINA))


# --- cases ---------------------------------------------------------------------------------------------

# (township_id, region, kind, stage, clock_limit_days, count)
_OpenRow = tuple[int | None, str, str, str | None, int | None, int]


def _open_cases(session: Session, scope: _Scope) -> list[_OpenRow]:
    """Open cases grouped finely enough to give the stage, township and region tables in one scan."""
    columns = (Case.township_id, Case.region, Case.kind, Case.stage, Case.clock_limit_days)
    rows = session.execute(
        select(*columns, func.count()).where(*scope.cases, Case.status == "open").group_by(*columns)
    ).all()
    return [(t, r, k, s, lim, int(n)) for t, r, k, s, lim, n in rows]


def _overdue_cases(
    ctx: Context, session: Session, scope: _Scope, pairs: set[tuple[str, int | None]], today: date
) -> dict[tuple[int | None, str], int]:
    """Open, undecided cases past their legal limit, by (township_id, region)."""
    conditions = [
        and_(
            Case.region == region,
            Case.clock_limit_days == limit,
            Case.clock_started_at < overdue_cutoff(ctx.calendar(region), limit, today),
        )
        for region, limit in sorted(pairs, key=str)
        if limit is not None
    ]
    if not conditions:
        return {}
    rows = session.execute(
        select(Case.township_id, Case.region, func.count())
        .where(*scope.cases, Case.status == "open", Case.decided_at.is_(None), or_(*conditions))
        .group_by(Case.township_id, Case.region)
    ).all()
    return {(t, r): int(n) for t, r, n in rows}


@dataclass(frozen=True)
class _Decided:
    """Cases of one (township, region) decided in the period: all, those with a legal clock, in time."""

    township_id: int | None
    region: str
    decided: int
    clocked: int
    in_time: int


def _clock_pairs(session: Session, scope: _Scope, since: datetime, now: datetime) -> list[tuple[str, int]]:
    """The (region, limit) pairs among the period's decided cases with a legal clock."""
    rows = session.execute(
        select(Case.region, Case.clock_limit_days)
        .where(
            *scope.cases,
            Case.decided_at >= since,
            Case.decided_at <= now,
            Case.clock_limit_days.is_not(None),
            Case.clock_started_at.is_not(None),
        )
        .distinct()
    ).all()
    return sorted((str(region), int(limit)) for region, limit in rows)


def in_time_cutoffs(calendar: WorkingCalendar, limit: int, first_day: date, last_day: date) -> list[datetime]:
    """For each decision day from `first_day` to `last_day`, the earliest clock start (naive UTC) that is
    still in time with this limit: legal_clock counts working days in (start day, decision day], so a
    start is in time iff it is on or after the (limit + 1)-th working day counted back from the decision
    day. The same instant as case_search's overdue cutoff for that day (tested), in one pass."""
    # Start far enough back that `limit` + 1 working days precede `first_day` (the guard as case_search's).
    day, behind = first_day, 0
    while behind <= limit and (first_day - day).days < 3660:
        day -= timedelta(days=1)
        behind += calendar.is_working_day(day)
    working: list[date] = []
    cutoffs: list[datetime] = []
    while day <= last_day:
        if calendar.is_working_day(day):
            working.append(day)
        if day >= first_day:
            cutoffs.append(_day_start(working[-(limit + 1)]) if len(working) > limit else datetime.min)
        day += timedelta(days=1)
    return cutoffs


def _decided(ctx: Context, session: Session, scope: _Scope, first_day: date, now: datetime) -> list[_Decided]:
    """Decided cases of the period by (township, region), with how many were decided in time.

    A table with one row per decision day (its bounds in UTC, and per (region, limit) pair the earliest
    clock start still in time for a decision that day) is joined to the decided cases on the day, so
    each decided case is read once from the index and compared with its own pair's cutoff."""
    since = _day_start(first_day)
    pairs = _clock_pairs(session, scope, since, now)
    last_day = to_china(now).date()
    cutoffs = [in_time_cutoffs(ctx.calendar(region), limit, first_day, last_day) for region, limit in pairs]
    rows: list[tuple[Any, ...]] = []
    for offset in range((last_day - first_day).days + 1):
        day = first_day + timedelta(days=offset)
        # The last day ends now (inclusive): a decision taken at this very moment counts.
        upper = min(_day_start(day + timedelta(days=1)), now + timedelta(microseconds=1))
        today_cutoffs = tuple(c[offset] for c in cutoffs)
        if rows and rows[-1][3:] == today_cutoffs:
            rows[-1] = (*rows[-1][:2], upper, *today_cutoffs)  # a day off changes nothing: one row
        else:
            rows.append((scope.county_id or 0, _day_start(day), upper, *today_cutoffs))
    days = (
        values(
            column("county_id", Integer),
            column("lower", DateTime),
            column("upper", DateTime),
            *(column(f"cutoff_{index}", DateTime) for index in range(len(pairs))),
            name="decision_day",
        )
        .data(rows)
        .cte("decision_day")
    )
    in_time = (
        func.sum(
            case(
                *(
                    (
                        and_(
                            Case.region == region,
                            Case.clock_limit_days == limit,
                            Case.clock_started_at >= days.c[f"cutoff_{index}"],
                        ),
                        1,
                    )
                    for index, (region, limit) in enumerate(pairs)
                ),
                else_=0,
            )
        )
        if pairs
        else literal(0)
    )
    clocked = case((and_(Case.clock_limit_days.is_not(None), Case.clock_started_at.is_not(None)), 1), else_=0)
    # The county as a join column, not a constant: with a constant SQLite builds a Bloom filter over
    # every case of the county before the join (measured: 1.4× slower at 200,000 cases).
    county = [Case.county_id == days.c.county_id] if scope.county_id is not None else []
    narrower = scope.narrower if scope.county_id is not None else scope.cases
    found = session.execute(
        select(Case.township_id, Case.region, func.count(), func.sum(clocked), in_time)
        .select_from(days)
        .join(Case, and_(Case.decided_at >= days.c.lower, Case.decided_at < days.c.upper, *county))
        .where(*narrower)
        .group_by(Case.township_id, Case.region)
    ).all()
    return [_Decided(t, str(r), int(n), int(c or 0), int(ok or 0)) for t, r, n, c, ok in found]


def _by_stage(session: Session, open_rows: list[_OpenRow]) -> list[StageCount]:
    counts: dict[tuple[str, str], int] = defaultdict(int)
    for _, _, kind, stage, _, n in open_rows:
        counts[(kind, stage or "—")] += n
    titles = process_titles(session, {kind for kind, _ in counts})
    rows = [StageCount(kind, titles.get(kind, kind), stage, n) for (kind, stage), n in counts.items()]
    return sorted(rows, key=lambda r: (-r.count, r.process_id, r.stage))


def _by_township(
    scope: _Scope,
    open_rows: list[_OpenRow],
    overdue: dict[tuple[int | None, str], int],
    decided_rows: list[_Decided],
) -> list[CaseCounts]:
    opened: dict[int | None, int] = defaultdict(int)
    late: dict[int | None, int] = defaultdict(int)
    decided: dict[int | None, int] = defaultdict(int)
    for town, _, _, _, _, n in open_rows:
        opened[town] += n
    for (town, _), n in overdue.items():
        late[town] += n
    for row in decided_rows:
        decided[row.township_id] += row.decided
    return [
        CaseCounts(unit.code, unit.name, opened[town], late[town], decided[town])
        for town, unit in _township_keys(scope, [*opened, *decided])
    ]


def _by_region(
    scope: _Scope,
    open_rows: list[_OpenRow],
    overdue: dict[tuple[int | None, str], int],
    decided_rows: list[_Decided],
) -> list[CaseCounts]:
    opened: dict[str, int] = defaultdict(int)
    late: dict[str, int] = defaultdict(int)
    decided: dict[str, int] = defaultdict(int)
    for _, region, _, _, _, n in open_rows:
        opened[region] += n
    for (_, region), n in overdue.items():
        late[region] += n
    for row in decided_rows:
        decided[row.region] += row.decided
    # Regions of the scope without cases still get their (zero) row.
    regions = sorted(set(opened) | set(decided) | ({scope.region} if scope.region else set(scope.regions)))
    return [CaseCounts(r, r, opened[r], late[r], decided[r]) for r in regions]


def _township_keys(scope: _Scope, seen: Iterable[int | None]) -> list[tuple[int | None, _Unit]]:
    """Every township of the scope (zero rows too, so charts compare like with like), then any other
    township id the cases named (a case moved between units keeps its registration township)."""
    keys: list[tuple[int | None, _Unit]] = list(scope.townships.items())
    strays = sorted({t for t in seen if t not in scope.townships}, key=lambda t: (t is None, t or 0))
    keys += [(t, _Unit("", OTHER)) for t in strays]
    return keys


def _timeliness(scope: _Scope, decided_rows: list[_Decided]) -> list[Timeliness]:
    clocked: dict[int | None, int] = defaultdict(int)
    in_time: dict[int | None, int] = defaultdict(int)
    for row in decided_rows:
        clocked[row.township_id] += row.clocked
        in_time[row.township_id] += row.in_time
    return [
        Timeliness(unit.code, unit.name, clocked[town], in_time[town])
        for town, unit in _township_keys(scope, [t for t, n in clocked.items() if n])
    ]


# --- tasks and enrollments -----------------------------------------------------------------------------


def _village_ids(scope: _Scope) -> list[int]:
    return sorted(scope.villages)


def _tasks(session: Session, scope: _Scope, now: datetime) -> list[TaskCounts]:
    """Open and claimed tasks by the township of their case's village (where the case is, whoever holds
    the task: village, township or county staff)."""
    if not scope.villages:
        return []
    overdue = case((HumanTask.due_at < now, 1), else_=0)
    rows = session.execute(
        select(OrgUnit.parent_id, func.count(), func.sum(overdue))
        .select_from(HumanTask)
        .join(OrgUnit, OrgUnit.id == HumanTask.village_id)
        .where(HumanTask.state.in_(OPEN_TASK_STATES), HumanTask.village_id.in_(_village_ids(scope)))
        .group_by(OrgUnit.parent_id)
    ).all()
    found = {town: (int(n), int(late or 0)) for town, n, late in rows}
    return [TaskCounts(unit.code, unit.name, *found.get(town, (0, 0))) for town, unit in _township_keys(scope, found)]


def review_due(day: date) -> ColumnElement[bool]:
    """reviews.start_due_reviews' rule: an active enrollment whose re-check date has come by `day`
    (an enrollment being re-checked has no date until its re-check decides)."""
    return and_(Enrollment.status == "active", Enrollment.next_review_on <= day)


def _rechecks(session: Session, scope: _Scope, today: date) -> list[RecheckCounts]:
    if not scope.villages:
        return []
    due_now = case((review_due(today), 1), else_=0)
    rows = session.execute(
        select(OrgUnit.parent_id, func.sum(due_now), func.count())
        .select_from(Enrollment)
        .join(OrgUnit, OrgUnit.id == Enrollment.village_id)
        .where(review_due(today + timedelta(days=SOON_DAYS)), Enrollment.village_id.in_(_village_ids(scope)))
        .group_by(OrgUnit.parent_id)
    ).all()
    found = {town: (int(due or 0), int(n)) for town, due, n in rows}
    return [
        RecheckCounts(unit.code, unit.name, *found.get(town, (0, 0))) for town, unit in _township_keys(scope, found)
    ]


def _next_rechecks(session: Session, scope: _Scope, today: date, limit: int) -> list[UpcomingRecheck]:
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
            Enrollment.village_id.in_(_village_ids(scope)),
        )
        .order_by(Enrollment.next_review_on, Enrollment.id)
        .limit(limit)
    ).all()
    return [UpcomingRecheck(number, name, village, day, day <= today) for number, name, village, day in rows]


def _exits(session: Session, scope: _Scope, today: date, limit: int) -> tuple[list[ExitEnding], int]:
    if not scope.villages:
        return [], 0
    conditions = (
        Enrollment.status == "gradual_exit",
        Enrollment.ends_on <= today + timedelta(days=SOON_DAYS),
        Enrollment.village_id.in_(_village_ids(scope)),
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
    exits = [
        ExitEnding(number, name, village, ends_on, f"{amount:.2f}", ends_on <= today)
        for number, name, village, ends_on, amount in rows
        if ends_on is not None
    ]
    return exits, int(total)
