"""撤回 and 退回 from the task page (docs/withdraw-and-return.md): POST, then back to a page with a flash.

A refused request (a blank reason, a step the task does not declare) flashes the reason and returns to
the task page; permission and state refusals are 403/409 pages (web.kit.errors)."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, request, url_for
from flask.typing import ResponseReturnValue

from engine.errors import InvalidData
from engine.services import rewinding
from web.kit.current import context, login_required, username

bp = Blueprint("rewinding", __name__, url_prefix="/tasks")


def _refused(exc: InvalidData) -> None:
    flash("；".join(m for messages in exc.fields.values() for m in messages) or exc.message, "error")


@bp.post("/<id:task_id>/withdraw")
@login_required
def withdraw(task_id: int) -> ResponseReturnValue:
    try:
        result = rewinding.withdraw(context(), task_id, username(), request.form.get("reason", ""))
    except InvalidData as exc:
        _refused(exc)
        return redirect(url_for("tasks.show", task_id=task_id))
    flash(f"已撤回“{result.task.title}”，请修改后重新提交", "success")
    reopened = result.new_tasks[0].id if result.new_tasks else task_id
    return redirect(url_for("tasks.show", task_id=reopened))


@bp.post("/<id:task_id>/return")
@login_required
def return_to(task_id: int) -> ResponseReturnValue:
    form = request.form
    try:
        result = rewinding.return_to(context(), task_id, username(), form.get("to", ""), form.get("reason", ""))
    except InvalidData as exc:
        _refused(exc)
        return redirect(url_for("tasks.show", task_id=task_id))
    steps = "、".join(t.title for t in result.new_tasks)
    flash(f"已将案件 {result.case_number} 退回到“{steps}”", "success")
    return redirect(url_for("inbox.index"))
