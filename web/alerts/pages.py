"""The 监测预警 pages: thin views over engine.queries.alerts and engine.services.alerts (POST-redirect-GET).

GET /alerts is the register (filters: status, level, overdue; 身份证号 masked); GET /alerts/<id> one alert
with a link to its case; GET /alerts/upload the upload form, POST /alerts/upload imports the file and
redirects to GET /alerts/batches/<batch_id>, the batch's counts and per-row report; GET /alerts/monitoring
the households under monitoring with their re-check dates. Roles and scope are engine.policy.alerts'.
"""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from engine.domain.alerts import MAX_ROWS
from engine.domain.vocabulary_window import ALERT_LEVEL_LABELS, ALERT_STATUS_LABELS
from engine.errors import Conflict, InvalidData
from engine.policy import alerts as policy
from engine.queries import alerts as views
from engine.services import alerts
from web.kit.current import context, login_required, page_number, username

bp = Blueprint("alerts", __name__, url_prefix="/alerts")


@bp.app_context_processor
def _navigation() -> dict[str, Any]:
    """Whether the 监测预警 link belongs in the header of the signed-in user's pages."""
    user = getattr(current_user, "user", None)
    return {"may_see_alerts": bool(user is not None and policy.may_see_register_as(user.roles, user.org_unit_level))}


@bp.get("")
@login_required
def register() -> ResponseReturnValue:
    args = request.args
    found = views.register(
        context(),
        username(),
        status=args.get("status", ""),
        level=args.get("level", ""),
        overdue=args.get("overdue") == "1",
        page=page_number(),
    )
    return render_template(
        "alerts/register.html",
        register=found,
        statuses=ALERT_STATUS_LABELS,
        levels=ALERT_LEVEL_LABELS,
        filters={"status": args.get("status", ""), "level": args.get("level", ""), "overdue": args.get("overdue")},
    )


@bp.get("/<int:alert_id>")
@login_required
def show(alert_id: int) -> ResponseReturnValue:
    return render_template("alerts/alert.html", alert=views.alert(context(), username(), alert_id))


@bp.get("/upload")
@login_required
def upload_form() -> ResponseReturnValue:
    alerts.check_may_import(context(), username())  # 403 before the form
    return render_template("alerts/upload.html", max_rows=MAX_ROWS)


@bp.post("/upload")
@login_required
def upload() -> ResponseReturnValue:
    file = request.files.get("file")
    batch_id = request.form.get("batch_id", "").strip()
    if file is None or not file.filename:
        flash("请选择要导入的 CSV 或 JSON 文件", "error")
        return redirect(url_for("alerts.upload_form"))
    try:
        result = alerts.import_file(
            context(), username(), file.read(), file.filename, batch_id, request.form.get("source", "")
        )
    except (InvalidData, Conflict) as exc:
        details = [m for messages in getattr(exc, "fields", {}).values() for m in messages[:20]]
        flash("；".join(dict.fromkeys([exc.message, *details])), "error")
        return redirect(url_for("alerts.upload_form"))
    if result.repeated:
        flash(f"批次 {result.batch_id} 此前已导入，以下为当时的导入结果", "info")
    else:
        flash(f"已导入 {result.imported} 条预警，合并 {result.merged} 条，退回 {result.rejected} 行", "success")
    return redirect(url_for("alerts.batch", batch_id=result.batch_id))


@bp.get("/batches/<path:batch_id>")
@login_required
def batch(batch_id: str) -> ResponseReturnValue:
    return render_template("alerts/batch.html", batch=views.batch(context(), username(), batch_id[:64]))


@bp.get("/monitoring")
@login_required
def monitoring() -> ResponseReturnValue:
    return render_template("alerts/monitoring.html", households=views.monitoring(context(), username()))
