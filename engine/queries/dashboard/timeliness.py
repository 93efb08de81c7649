"""Decided cases of the last 12 months, and how many were decided within their legal limit.

Decided in time means decided with a legal clock and at most `clock_limit_days` working days used at the
decision, exactly legal_clock's rule. Working days cannot be counted in SQL, but for one decision day D
and one limit the in-time clock starts are exactly those at or after cutoff(D). So a small table with a
row per decision day (about 250 a year: days off merge into the day before) and a cutoff column per
(region, limit) pair is joined to the decided cases in SQL. The most intricate query of the dashboard,
hence its own module; its rows also give the decided counts of the case tables.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from typing import Any

from sqlalchemy import CTE, ColumnElement, DateTime, Integer, and_, case, column, func, literal, select, values
from sqlalchemy.orm import Session

from engine.clock import CHINA, to_china, to_utc
from engine.context import Context
from engine.domain.calendar import WorkingCalendar
from engine.persistence import Case
from engine.queries.dashboard.model import Timeliness
from engine.queries.dashboard.scope import Scope, township_keys


@dataclass(frozen=True)
class Decided:
    """Cases of one (township, region) decided in the period: all, those with a legal clock, in time."""

    township_id: int | None
    region: str
    decided: int
    clocked: int
    in_time: int


def day_start(day: date) -> datetime:
    """Beijing midnight of `day` as naive UTC."""
    return to_utc(datetime.combine(day, time.min, tzinfo=CHINA))


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
            cutoffs.append(day_start(working[-(limit + 1)]) if len(working) > limit else datetime.min)
        day += timedelta(days=1)
    return cutoffs


def decided(ctx: Context, session: Session, scope: Scope, first_day: date, now: datetime) -> list[Decided]:
    """Decided cases of the period by (township, region), with how many were decided in time.

    The decision-day table is joined to the decided cases on the day, so each decided case is read once
    from the index and compared with its own pair's cutoff."""
    pairs = _clock_pairs(session, scope, day_start(first_day), now)
    days = _decision_days(ctx, scope, pairs, first_day, now)
    clocked = case((and_(Case.clock_limit_days.is_not(None), Case.clock_started_at.is_not(None)), 1), else_=0)
    # The county as a join column, not a constant: with a constant SQLite builds a Bloom filter over
    # every case of the county before the join (measured: 1.4× slower at 200,000 cases).
    county = [Case.county_id == days.c.county_id] if scope.county_id is not None else []
    narrower = scope.narrower if scope.county_id is not None else scope.cases
    found = session.execute(
        select(Case.township_id, Case.region, func.count(), func.sum(clocked), _in_time(days, pairs))
        .select_from(days)
        .join(Case, and_(Case.decided_at >= days.c.lower, Case.decided_at < days.c.upper, *county))
        .where(*narrower)
        .group_by(Case.township_id, Case.region)
    ).all()
    return [Decided(t, str(r), int(n), int(c or 0), int(ok or 0)) for t, r, n, c, ok in found]


def timeliness(scope: Scope, decided_rows: list[Decided]) -> list[Timeliness]:
    clocked: dict[int | None, int] = defaultdict(int)
    in_time: dict[int | None, int] = defaultdict(int)
    for row in decided_rows:
        clocked[row.township_id] += row.clocked
        in_time[row.township_id] += row.in_time
    return [
        Timeliness(unit.code, unit.name, clocked[town], in_time[town])
        for town, unit in township_keys(scope, [t for t, n in clocked.items() if n])
    ]


def _clock_pairs(session: Session, scope: Scope, since: datetime, now: datetime) -> list[tuple[str, int]]:
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


def _decision_days(ctx: Context, scope: Scope, pairs: list[tuple[str, int]], first_day: date, now: datetime) -> CTE:
    """One row per decision day from `first_day` to now (runs of days with the same cutoffs merged): the
    county, the day's bounds in UTC, and per (region, limit) pair the earliest clock start still in time."""
    last_day = to_china(now).date()
    cutoffs = [in_time_cutoffs(ctx.calendar(region), limit, first_day, last_day) for region, limit in pairs]
    rows: list[tuple[Any, ...]] = []
    for offset in range((last_day - first_day).days + 1):
        day = first_day + timedelta(days=offset)
        # The last day ends now (inclusive): a decision taken at this very moment counts.
        upper = min(day_start(day + timedelta(days=1)), now + timedelta(microseconds=1))
        today_cutoffs = tuple(c[offset] for c in cutoffs)
        if rows and rows[-1][3:] == today_cutoffs:
            rows[-1] = (*rows[-1][:2], upper, *today_cutoffs)  # a day off changes nothing: one row
        else:
            rows.append((scope.county_id or 0, day_start(day), upper, *today_cutoffs))
    return (
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


def _in_time(days: CTE, pairs: list[tuple[str, int]]) -> ColumnElement[Any]:
    """How many of a group's cases were decided in time: clock start at or after their pair's cutoff."""
    if not pairs:
        return literal(0)
    return func.sum(
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
