"""系统管理: move a stuck case to a step it has completed before, with a reason (docs/withdraw-and-return.md).
The form is on the 系统管理 page (web/templates/admin/_move_case.html)."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, request, url_for
from flask.typing import ResponseReturnValue

from engine.errors import InvalidData
from engine.services import rewinding
from web.kit.current import context, login_required, username

bp = Blueprint("moving", __name__, url_prefix="/admin")


@bp.post("/cases/move")
@login_required
def move_case() -> ResponseReturnValue:
    form = request.form
    number = form.get("number", "").strip()
    try:
        moved = rewinding.move_case(context(), username(), number, form.get("to", ""), form.get("reason", ""))
    except InvalidData as exc:
        flash("；".join(m for messages in exc.fields.values() for m in messages) or exc.message, "error")
        return redirect(url_for("admin.index"))
    steps = "、".join(t.title for t in moved.reopened) or "—"
    flash(f"案件 {moved.case_number} 已调整到“{steps}”，当前阶段：{moved.stage or '—'}", "success")
    return redirect(url_for("case_pages.show", number=moved.case_number))
