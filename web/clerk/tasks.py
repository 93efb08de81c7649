"""The task page: the form, the case summary, earlier 审批意见, and 签收 / 取消签收 / 转办 / 提交.

Every action is a POST (CSRF-checked by CSRFProtect). Errors map in web.kit.errors, except the two that
re-show this page: InvalidData from 提交 or 转办 (422, with the entered values and the field messages).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from engine.errors import InvalidData
from engine.queries import case_view
from engine.queries.villages import colleagues, villages_in_scope
from engine.results import TaskDetail
from engine.services import attachments, tasks
from web.clerk.attachments import offer_numbers
from web.kit.case_diagram import diagram_context
from web.kit.deps import context, login_required, process_titles, username
from web.kit.forms_render import apply_op, initial_values, parse_submission, render_form

bp = Blueprint("tasks", __name__, url_prefix="/tasks")


def _page(
    detail: TaskDetail,
    values: Mapping[str, Any] | None = None,
    errors: Mapping[str, list[str]] | None = None,
    *,
    transfer: Mapping[str, str] | None = None,
    transfer_errors: Mapping[str, list[str]] | None = None,
    status: int = 200,
) -> ResponseReturnValue:
    ctx, me = context(), username()
    summary = detail.summary
    schema = detail.form or {}
    form = render_form(schema, initial_values(schema, detail.data) if values is None else values, errors or {})
    villages = {v.code: v.name for v in villages_in_scope(ctx, me)}
    files = attachments.list_for_case(ctx, me, summary.case_number)
    if files:
        offer_numbers(form.fields)  # the form's "…附件编号" fields suggest the case's attachment numbers
    return (
        render_template(
            "clerk/task.html",
            task=summary,
            detail=detail,
            form=form,
            form_title=schema.get("title", ""),
            case=case_view.show_case(ctx, summary.case_number),
            # The process this task belongs to (a 公示 or 民主评议 task shows its called process).
            diagram=diagram_context(summary.case_number, summary.process_id),
            process_titles=process_titles(),
            village_names=villages,
            me=me,
            may_work=summary.state == "open" or (summary.state == "claimed" and summary.assignee == me),
            colleagues=colleagues(ctx, me, summary.role),
            transfer=transfer or {},
            transfer_errors=transfer_errors or {},
            attachments=files,
        ),
        status,
    )


@bp.get("/<id:task_id>")
@login_required
def show(task_id: int) -> ResponseReturnValue:
    return _page(tasks.show_task(context(), task_id, username()))


@bp.post("/<id:task_id>/claim")
@login_required
def claim(task_id: int) -> ResponseReturnValue:
    summary = tasks.claim(context(), task_id, username())
    flash(f"已签收任务“{summary.title}”（案件 {summary.case_number}）", "success")
    return redirect(url_for(".show", task_id=task_id))


@bp.post("/<id:task_id>/unclaim")
@login_required
def unclaim(task_id: int) -> ResponseReturnValue:
    summary = tasks.unclaim(context(), task_id, username())
    flash(f"已取消签收任务“{summary.title}”，任务退回待办", "success")
    return redirect(url_for(".show", task_id=task_id))


@bp.post("/<id:task_id>/transfer")
@login_required
def transfer(task_id: int) -> ResponseReturnValue:
    ctx, me = context(), username()
    target, reason = request.form.get("to", "").strip(), request.form.get("reason", "")
    try:
        summary = tasks.transfer(ctx, task_id, me, target, reason)
    except InvalidData as exc:
        detail = tasks.show_task(ctx, task_id, me)
        return _page(detail, transfer={"to": target, "reason": reason}, transfer_errors=exc.fields, status=422)
    flash(f"已将任务“{summary.title}”转办给 {summary.assignee}", "success")
    return redirect(url_for("inbox.index"))


@bp.post("/<id:task_id>/complete")
@login_required
def complete(task_id: int) -> ResponseReturnValue:
    ctx, me = context(), username()
    detail = tasks.show_task(ctx, task_id, me)
    schema = detail.form or {}
    values = parse_submission(schema, request.form)
    op = request.form.get("_op", "submit")
    if op != "submit":  # 添加 / 删除 an item of a list: show the form again, nothing is stored
        if not apply_op(schema, values, op):
            abort(400)
        return _page(detail, values)
    try:
        result = tasks.complete(ctx, task_id, me, values)
    except InvalidData as exc:
        return _page(detail, values, exc.fields, status=422)
    stage = f"；案件当前阶段：{result.stage}" if result.stage else ""
    flash(f"已提交任务“{result.task.title}”（案件 {result.case_number}）{stage}", "success")
    return redirect(url_for("inbox.index"))
