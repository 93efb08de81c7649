"""The dashboard's case figures: open cases by stage, and open, overdue and decided cases by township and
by region.

One scan of the open cases, grouped finely enough for all three tables, and one of the overdue ones; the
decided counts come from timeliness (the same rows give the in-time share). Apart from the other figures
because these are the ones that read `case_file` and its legal clock.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Hashable
from datetime import date
from typing import TypeVar

from sqlalchemy import and_, func, or_, select
from sqlalchemy.orm import Session

from engine.context import Context
from engine.persistence import Case
from engine.persistence.cases import IN_PROGRESS_STATUSES
from engine.queries.case_search import overdue_cutoff, process_titles
from engine.queries.dashboard.model import CaseCounts, StageCount
from engine.queries.dashboard.scope import Scope, township_keys
from engine.queries.dashboard.timeliness import Decided

# (township_id, region, kind, stage, clock_limit_days, count)
OpenRow = tuple[int | None, str, str, str | None, int | None, int]
# Open, undecided cases past their legal limit, by (township_id, region).
Overdue = dict[tuple[int | None, str], int]
_K = TypeVar("_K", bound=Hashable)


def open_cases(session: Session, scope: Scope) -> list[OpenRow]:
    """Open cases grouped finely enough to give the stage, township and region tables in one scan."""
    columns = (Case.township_id, Case.region, Case.kind, Case.stage, Case.clock_limit_days)
    rows = session.execute(
        select(*columns, func.count()).where(*scope.cases, Case.status.in_(IN_PROGRESS_STATUSES)).group_by(*columns)
    ).all()
    return [(t, r, k, s, lim, int(n)) for t, r, k, s, lim, n in rows]


def overdue_cases(ctx: Context, session: Session, scope: Scope, open_rows: list[OpenRow], today: date) -> Overdue:
    """Open, undecided cases past their legal limit, by (township_id, region): one range on the clock
    start per (region, limit) pair among the open cases."""
    pairs = {(region, limit) for _, region, _, _, limit, _ in open_rows}
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
        .where(*scope.cases, Case.status.in_(IN_PROGRESS_STATUSES), Case.decided_at.is_(None), or_(*conditions))
        .group_by(Case.township_id, Case.region)
    ).all()
    return {(t, r): int(n) for t, r, n in rows}


def by_stage(session: Session, open_rows: list[OpenRow]) -> list[StageCount]:
    counts: dict[tuple[str, str], int] = defaultdict(int)
    for _, _, kind, stage, _, n in open_rows:
        counts[(kind, stage or "—")] += n
    titles = process_titles(session, {kind for kind, _ in counts})
    rows = [StageCount(kind, titles.get(kind, kind), stage, n) for (kind, stage), n in counts.items()]
    return sorted(rows, key=lambda r: (-r.count, r.process_id, r.stage))


def by_township(
    scope: Scope, open_rows: list[OpenRow], overdue: Overdue, decided_rows: list[Decided]
) -> list[CaseCounts]:
    opened, late, decided = _tally(open_rows, overdue, decided_rows, lambda town, _: town)
    return [
        CaseCounts(unit.code, unit.name, opened[town], late[town], decided[town])
        for town, unit in township_keys(scope, [*opened, *decided])
    ]


def by_region(
    scope: Scope, open_rows: list[OpenRow], overdue: Overdue, decided_rows: list[Decided]
) -> list[CaseCounts]:
    opened, late, decided = _tally(open_rows, overdue, decided_rows, lambda _, region: region)
    # Regions of the scope without cases still get their (zero) row.
    regions = sorted(set(opened) | set(decided) | ({scope.region} if scope.region else set(scope.regions)))
    return [CaseCounts(r, r, opened[r], late[r], decided[r]) for r in regions]


def _tally(
    open_rows: list[OpenRow],
    overdue: Overdue,
    decided_rows: list[Decided],
    key: Callable[[int | None, str], _K],
) -> tuple[defaultdict[_K, int], defaultdict[_K, int], defaultdict[_K, int]]:
    """Open, overdue and decided counts summed by `key` of (township_id, region)."""
    opened: defaultdict[_K, int] = defaultdict(int)
    late: defaultdict[_K, int] = defaultdict(int)
    decided: defaultdict[_K, int] = defaultdict(int)
    for town, region, _, _, _, n in open_rows:
        opened[key(town, region)] += n
    for (town, region), n in overdue.items():
        late[key(town, region)] += n
    for row in decided_rows:
        decided[key(row.township_id, row.region)] += row.decided
    return opened, late, decided
