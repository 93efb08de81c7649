"""终止 on the case page (POST /cases/<number>/terminate) and the panel the page includes
(clerk/_case_ending.html): the form for whoever the process's `termination_roles` allow, the administrator's
actions (web.admin.case_actions) and how an ended case was ended. Presentation only: the rules are
engine.services.case_ending's and engine.policy's."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, request, url_for
from flask.typing import ResponseReturnValue

from engine.errors import InvalidData
from engine.queries import case_ending as panels
from engine.services import case_ending
from web.kit.current import context, login_required, username

bp = Blueprint("case_terminate", __name__, url_prefix="/cases")


@bp.app_context_processor
def _panel() -> dict[str, Any]:
    """`case_ending_panel(number)` for the case page's partial: read only when the page draws it."""

    def case_ending_panel(number: str) -> panels.EndingPanel:
        return panels.ending_panel(context(), number, username())

    return {"case_ending_panel": case_ending_panel}


def field_messages(exc: InvalidData) -> str:
    return "；".join(m for messages in exc.fields.values() for m in messages) or exc.message


@bp.post("/<number>/terminate")
@login_required
def terminate(number: str) -> ResponseReturnValue:
    ground, reason = request.form.get("ground", ""), request.form.get("reason", "")
    try:
        view = case_ending.terminate(context(), number, username(), ground, reason)
    except InvalidData as exc:
        flash(f"未终止：{field_messages(exc)}", "error")
    else:
        flash(f"案件 {view.number} 已终止：{view.stage}；待办任务已取消，公示已撤回，终止通知已记录", "success")
    return redirect(url_for("case_pages.show", number=number))
