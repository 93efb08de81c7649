"""系统管理 › 通知发送 (/admin/notifications): how the outbox stands in the administrator's scope and the
dead letters, each with a 重新发送 button. Scope and state checks are engine.services.notification_delivery's;
a resend of a delivery that is no longer dead is a Conflict (a flash, back to the page)."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, url_for
from flask.typing import ResponseReturnValue

from engine.errors import Conflict
from engine.queries import notification_deliveries
from engine.services import notification_delivery
from web.kit.current import context, login_required, username

bp = Blueprint("notification_deliveries", __name__, url_prefix="/admin/notifications")


@bp.get("")
@login_required
def index() -> ResponseReturnValue:
    found = notification_deliveries.deliveries(context(), username())  # PermissionDenied → 403
    return render_template("admin/notification_deliveries.html", d=found)


@bp.post("/<id:delivery_id>/resend")
@login_required
def resend(delivery_id: int) -> ResponseReturnValue:
    try:
        done = notification_delivery.resend(context(), username(), delivery_id)
    except Conflict as exc:
        flash(exc.message, "error")
    else:
        flash(f"已重新排队发送给 {done.recipient} 的{done.channel_label}通知（编号 {done.delivery_id}）", "success")
    return redirect(url_for(".index"))
