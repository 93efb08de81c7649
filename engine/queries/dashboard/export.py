"""The trace of a dashboard CSV export, and how many rows an export may list.

A CSV export takes the figures (and the names in the 渐退 and re-check lists) out of the system, so it
is recorded as `dashboard_exported`; page views are not (they show what case search shows). The web
layer turns the dashboard's tables into CSV; this module is the one write of the dashboard package.
"""

from __future__ import annotations

from engine import policy
from engine.context import Context
from engine.lookups import get_user
from engine.records import audit

EXPORT_LIMIT = 10_000  # rows of the 渐退 and re-check lists in an export (the page shows LIST_LIMIT)


def record_export(ctx: Context, username: str, table: str, rows: int, region: str | None) -> None:
    """Records `dashboard_exported` with the table, its row count, the region filter and the user's unit."""
    with ctx.db.write() as session:
        user = get_user(session, username)
        policy.check_dashboard_user(user)
        audit.record(
            session,
            "dashboard_exported",
            audit.Actor.of(user, min(user.roles & policy.DASHBOARD_ROLES)),
            details={"table": table, "rows": rows, "region": region, "scope": user.org_unit.code},
        )
