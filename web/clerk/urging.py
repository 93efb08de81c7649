"""催办 from the task page and the case page's open tasks (docs/urge-and-copy.md): POST, then back to the page
it came from. A refusal of the input (422), of a task no longer open (409) or of a 催办 too soon (429) shows
that page again with the reason; outside scope is the 403 page (web.kit.errors)."""

from __future__ import annotations

from flask import flash, redirect, request, url_for
from flask.typing import ResponseReturnValue

from engine.errors import Conflict, InvalidData, RateLimited
from engine.services import urging
from web.clerk.cases import _case_page
from web.clerk.tasks import _page, _task_page, bp
from web.kit.current import context, login_required, username


@bp.post("/<id:task_id>/urge")
@login_required
def urge(task_id: int) -> ResponseReturnValue:
    number = request.form.get("case", "").strip()  # set by the case page's form: go back there
    try:
        result = urging.urge(context(), task_id, username(), request.form.get("message", ""))
    except (InvalidData, RateLimited, Conflict) as exc:
        status = 422 if isinstance(exc, InvalidData) else 429 if isinstance(exc, RateLimited) else 409
        details = "；".join(m for messages in getattr(exc, "fields", {}).values() for m in messages)
        flash(details or exc.message, "error")
        return _case_page(number, status=status) if number else _page(_task_page(task_id), status=status)
    told = "、".join(result.urged) or "（暂无在岗人员）"
    flash(f"已催办任务“{result.title}”（案件 {result.case_number}），已通知 {told}", "success")
    if number:
        return redirect(url_for("case_pages.show", number=result.case_number, _anchor="tasks"))
    return redirect(url_for(".show", task_id=task_id, _anchor="urging"))
