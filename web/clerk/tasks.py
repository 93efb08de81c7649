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
from engine.queries import task_page
from engine.queries.task_page import TaskPage
from engine.services import tasks
from web.clerk.attachments import offer_numbers
from web.kit.case_diagram import render_diagram
from web.kit.current import context, login_required, username
from web.kit.forms_render import apply_op, initial_values, parse_submission, render_form
from web.kit.household_copy import is_refresh, parse_copies, render_copies

bp = Blueprint("tasks", __name__, url_prefix="/tasks")


def _page(
    page: TaskPage,
    values: Mapping[str, Any] | None = None,
    errors: Mapping[str, list[str]] | None = None,
    *,
    transfer: Mapping[str, str] | None = None,
    transfer_errors: Mapping[str, list[str]] | None = None,
    status: int = 200,
) -> ResponseReturnValue:
    me, detail = username(), page.detail
    summary = detail.summary
    schema = detail.form or {}
    form = render_form(schema, initial_values(schema, detail.data) if values is None else values, errors or {})
    render_copies(form, schema, values, errors or {}, page.baselines)  # the household copies (their baselines)
    if page.attachments:
        offer_numbers(form.fields)  # the form's "…附件编号" fields suggest the case's attachment numbers
    return (
        render_template(
            "clerk/task.html",
            task=summary,
            detail=detail,
            form=form,
            form_title=schema.get("title", ""),
            case=page.case,
            # The process this task belongs to (a 公示 or 民主评议 task shows its called process).
            diagram=render_diagram(page.diagram),
            process_titles=page.process_titles,
            village_names={v.code: v.name for v in page.villages},
            me=me,
            may_work=summary.state == "open" or (summary.state == "claimed" and summary.assignee == me),
            colleagues=page.colleagues,
            transfer=transfer or {},
            transfer_errors=transfer_errors or {},
            attachments=page.attachments,
        ),
        status,
    )


def _task_page(task_id: int) -> TaskPage:
    return task_page.task_page(context(), task_id, username())


@bp.get("/<id:task_id>")
@login_required
def show(task_id: int) -> ResponseReturnValue:
    return _page(_task_page(task_id))


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
        page = _task_page(task_id)
        return _page(page, transfer={"to": target, "reason": reason}, transfer_errors=exc.fields, status=422)
    flash(f"已将任务“{summary.title}”转办给 {summary.assignee}", "success")
    return redirect(url_for("inbox.index"))


@bp.post("/<id:task_id>/complete")
@login_required
def complete(task_id: int) -> ResponseReturnValue:
    ctx, me = context(), username()
    schema = task_page.task_form(ctx, task_id, me) or {}  # what the submission means; no restore needed
    values = parse_submission(schema, request.form)
    parse_copies(schema, request.form, values)
    op = request.form.get("_op", "submit")
    if op != "submit":  # 添加 / 删除 an item of a list, 修改 a household copy: show the form again, nothing is stored
        if not (apply_op(schema, values, op) or is_refresh(schema, op)):
            abort(400)
        return _page(_task_page(task_id), values)
    try:
        result = tasks.complete(ctx, task_id, me, values)  # the one restore: in the engine host
    except InvalidData as exc:
        return _page(_task_page(task_id), values, exc.fields, status=422)
    stage = f"；案件当前阶段：{result.stage}" if result.stage else ""
    flash(f"已提交任务“{result.task.title}”（案件 {result.case_number}）{stage}", "success")
    return redirect(url_for("inbox.index"))
