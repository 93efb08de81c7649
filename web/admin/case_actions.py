"""The administrator's instance operations on a case page: 暂停, 恢复, 撤销 (POST /admin/cases/<number>/…),
beside 重试 (web.admin.pages). Each needs a reason; the rules and the audit are
engine.services.case_ending's. The form is in admin/_case_actions.html, drawn by clerk/_case_ending.html."""

from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, flash, redirect, request, url_for
from flask.typing import ResponseReturnValue

from engine.context import Context
from engine.errors import InvalidData
from engine.results import CaseView
from engine.services import case_ending
from web.kit.current import context, login_required, username

bp = Blueprint("case_actions", __name__, url_prefix="/admin/cases")

_ACTIONS: dict[str, tuple[Callable[[Context, str, str, str], CaseView], str]] = {
    "suspend": (case_ending.suspend, "已暂停：定时器不再触发，任务暂不能办理"),
    "resume": (case_ending.resume, "已恢复办理"),
    "cancel": (case_ending.cancel, "已撤销：待办任务已取消，公示已撤回"),
}


@bp.post("/<number>/<any(suspend, resume, cancel):action>")
@login_required
def act(number: str, action: str) -> ResponseReturnValue:
    command, done = _ACTIONS[action]
    try:
        view = command(context(), number, username(), request.form.get("reason", ""))
    except InvalidData as exc:
        flash("；".join(m for messages in exc.fields.values() for m in messages) or exc.message, "error")
    else:
        flash(f"案件 {view.number} {done}", "success")
    return redirect(url_for("case_pages.show", number=number))
