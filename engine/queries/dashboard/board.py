"""The dashboard as one call: the user's scope and every figure, read in one read transaction.

Only assembles: the scope comes from scope, the figures from cases, timeliness, tasks and enrollments.
Apart so the order of the statements a dashboard runs (what the benchmark times) reads in one place.
"""

from __future__ import annotations

from datetime import date, datetime

from engine import policy
from engine.clock import to_china, utcnow
from engine.context import Context
from engine.lookups import get_user
from engine.queries.dashboard import cases, enrollments, timeliness
from engine.queries.dashboard.alerts import alert_levels
from engine.queries.dashboard.care_visits import care_visits
from engine.queries.dashboard.model import Dashboard
from engine.queries.dashboard.scope import scope_of
from engine.queries.dashboard.tasks import tasks
from engine.queries.status import calendar_warnings

LIST_LIMIT = 50


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
        scope = scope_of(session, user, region or None)
        open_rows = cases.open_cases(session, scope)
        overdue = cases.overdue_cases(ctx, session, scope, open_rows, today)
        decided = timeliness.decided(ctx, session, scope, period_start, now)
        by_stage = cases.by_stage(session, open_rows)
        exits, exits_total = enrollments.exits(session, scope, today, list_limit)
        board = Dashboard(
            scope_name=scope.unit.name,
            scope_level=scope.unit.level,
            as_of=now,
            today=today,
            period_start=period_start,
            region=region or None,
            regions=scope.regions,
            by_stage=by_stage,
            by_region=cases.by_region(scope, open_rows, overdue, decided),
            by_township=cases.by_township(scope, open_rows, overdue, decided),
            tasks=tasks(session, scope, now),
            timeliness=timeliness.timeliness(scope, decided),
            exits=exits,
            exits_total=exits_total,
            rechecks=enrollments.rechecks(session, scope, today),
            next_rechecks=enrollments.next_rechecks(session, scope, today, list_limit),
            calendar_warnings=calendar_warnings(ctx, [today.year, today.year + 1]),
            alerts=alert_levels(session, scope, now),
            care_visits=care_visits(session, scope, today),
        )
    return board


def _year_before(day: date) -> date:
    try:
        return day.replace(year=day.year - 1)
    except ValueError:  # 29 February
        return day.replace(year=day.year - 1, day=28)
