"""委派 on the task page (docs/delegation.md): 委派, 交回 and 收回, POST-redirect-GET on the tasks blueprint.

Refusals map in web.kit.errors (403 / 409), except a bad 委派 form, which shows the page again (422)."""

from __future__ import annotations

from flask import flash, redirect, request, url_for
from flask.typing import ResponseReturnValue

from engine.errors import InvalidData
from engine.services import delegation
from web.clerk.tasks import _page, _task_page, bp
from web.kit.current import context, login_required, username


@bp.post("/<id:task_id>/delegate")
@login_required
def delegate(task_id: int) -> ResponseReturnValue:
    target, note = request.form.get("to", "").strip(), request.form.get("note", "")
    try:
        summary = delegation.delegate(context(), task_id, username(), target, note)
    except InvalidData as exc:
        form = {"to": target, "note": note, "errors": exc.fields}
        return _page(_task_page(task_id), delegate=form, status=422)
    name = summary.delegation.delegate_name if summary.delegation else target
    flash(f"已将任务“{summary.title}”委派给 {name}，交回后请审核提交", "success")
    return redirect(url_for(".show", task_id=task_id))


@bp.post("/<id:task_id>/hand-back")
@login_required
def hand_back(task_id: int) -> ResponseReturnValue:
    summary = delegation.hand_back(context(), task_id, username(), request.form.get("note", ""))
    flash(f"已将任务“{summary.title}”（案件 {summary.case_number}）交回签收人 {summary.assignee}", "success")
    return redirect(url_for("inbox.index", view="delegated"))


@bp.post("/<id:task_id>/recall")
@login_required
def recall(task_id: int) -> ResponseReturnValue:
    summary = delegation.recall(context(), task_id, username())
    flash(f"已收回任务“{summary.title}”，可以自己办理", "success")
    return redirect(url_for(".show", task_id=task_id))
