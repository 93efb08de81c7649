"""统计看板 (/dashboard): cases by stage, township and region, tasks, the share decided within the legal
limit, 渐退 ending and re-checks due, as tables with server-drawn SVG bar charts, and each table as CSV
(/dashboard/<table>.csv). Figures and who may see them are engine.queries.dashboard's; web.dashboard.tables
lays them out. The page shows the calendar-fallback banner when this or next year has no holiday data.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, Response, abort, render_template, request
from flask.typing import ResponseReturnValue
from flask_login import current_user

from engine import policy
from engine.queries import dashboard as service
from engine.queries import intake as intake_views
from web.dashboard.tables import TABLE_NAMES, charts, table_csv, tables
from web.kit.current import context, login_required, username

bp = Blueprint("dashboard", __name__, url_prefix="/dashboard")


@bp.app_context_processor
def _navigation() -> dict[str, Any]:
    """Whether the 统计看板 link belongs in the header of the signed-in user's pages."""
    user = getattr(current_user, "user", None)
    return {"may_view_dashboard": bool(user is not None and policy.may_view_dashboard(user.roles))}


def _region() -> str | None:
    return request.args.get("region", "").strip() or None


@bp.get("")
@login_required
def index() -> ResponseReturnValue:
    board = service.dashboard(context(), username(), region=_region())
    intake = intake_views.dashboard_block(context(), username())  # 一门受理 (docs/intake.md)
    return render_template(
        "dashboard/index.html", board=board, tables=tables(board), charts=charts(board), intake=intake
    )


@bp.get("/<name>.csv")
@login_required
def export(name: str) -> ResponseReturnValue:
    if name not in TABLE_NAMES:
        abort(404)
    region = _region()
    board = service.dashboard(context(), username(), region=region, list_limit=service.EXPORT_LIMIT)
    table = tables(board)[name]
    body = table_csv(table)
    service.record_export(context(), username(), name, len(table.rows), region)
    filename = f"dashboard-{name}-{board.today.isoformat()}.csv"
    return Response(
        body,
        mimetype="text/csv",
        headers={
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "no-store",  # the lists name households
        },
    )
