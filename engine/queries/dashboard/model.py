"""What the dashboard returns: one frozen record per table row, and the Dashboard holding them all.

Plain records with no queries behind them, kept apart so that the page, its charts and the CSV export
can name the shapes without importing how the figures are counted.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

SOON_DAYS = 30  # 渐退 ending and re-checks due "soon": within this many days


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
class AlertLevelCount:
    level: str
    label: str  # 红色预警 …
    open: int  # 待处置 or 核查中
    overdue: int  # of those, past their deadline


@dataclass(frozen=True)
class CareVisitCounts:
    """特困分散供养探访 of one township (docs/tekun-visits.md)."""

    code: str
    name: str
    missed: int  # still open after their due day (the month's last day), any month
    open: int  # this month's, not yet visited
    done: int  # this month's, visited


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
    # 监测预警 (docs/alerts.md): open and overdue alerts by level (engine.queries.dashboard.alerts).
    alerts: list[AlertLevelCount] = field(default_factory=list)
    # 特困分散供养探访 (docs/tekun-visits.md): missed and this month's visits by township.
    care_visits: list[CareVisitCounts] = field(default_factory=list)

    @property
    def timeliness_total(self) -> Timeliness:
        return Timeliness(
            "",
            "合计",
            sum(t.decided for t in self.timeliness),
            sum(t.in_time for t in self.timeliness),
        )
