"""The task page: the form, the case summary, the 办理记录, and 签收 / 取消签收 / 转办 / 暂存 / 提交.

Every action is a POST (CSRF-checked by CSRFProtect). Errors map in web.kit.errors, except those that
re-show this page: InvalidData from 提交, 暂存 or 转办 (422, with the entered values and the field messages).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from engine import policy
from engine.errors import InvalidData
from engine.queries import copies as copy_lists
from engine.queries import documents as document_lists
from engine.queries import rewinding, task_page, urges
from engine.queries.task_page import TaskPage
from engine.services import tasks
from web.clerk.attachments import offer_numbers, store_upload
from web.kit.case_diagram import render_diagram
from web.kit.current import context, login_required, username
from web.kit.forms_parse import apply_op, parse_submission
from web.kit.forms_render import add_hints, initial_values, render_form
from web.kit.household_copy import is_refresh, parse_copies, render_copies

bp = Blueprint("tasks", __name__, url_prefix="/tasks")


def _page(
    page: TaskPage,
    values: Mapping[str, Any] | None = None,
    errors: Mapping[str, list[str]] | None = None,
    *,
    transfer: Mapping[str, str] | None = None,
    transfer_errors: Mapping[str, list[str]] | None = None,
    upload_errors: list[str] | None = None,
    status: int = 200,
    delegate: Mapping[str, Any] | None = None,
) -> ResponseReturnValue:
    """`delegate`: the 委派 form's values and errors shown again (web.clerk.delegation)."""
    me, detail = username(), page.detail
    summary = detail.summary
    # 委派 (docs/delegation.md): while the task is with the delegate, they fill it (暂存 only), not the holder.
    with_delegate = summary.delegation is not None and summary.delegation.active and summary.state == "claimed"
    as_delegate = with_delegate and summary.delegation is not None and summary.delegation.delegate == me
    schema = detail.form or {}
    form = render_form(schema, initial_values(schema, detail.data) if values is None else values, errors or {})
    add_hints(form.fields, page.hints)  # e.g. the 渐退 months this household may get
    render_copies(form, schema, values, errors or {}, page.baselines)  # the household copies (their baselines)
    # The form's "…附件编号" fields suggest the case's attachment numbers (also those uploaded in the page
    # by forms.js, whose list then brings the datalist).
    offer_numbers(form.fields)
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
            may_work=summary.state == "open"
            or (summary.state == "claimed" and summary.assignee == me and not with_delegate)
            or as_delegate,
            as_delegate=as_delegate,
            delegate_form=delegate or {},
            colleagues=page.colleagues,
            transfer=transfer or {},
            transfer_errors=transfer_errors or {},
            attachments=page.attachments,
            steps=page.steps,
            draft_saved_at=detail.draft_saved_at,
            context_panels=page.context,
            pending_objections=page.pending_objections,
            upload_errors=upload_errors or [],
            rewind=rewinding.task_rewind(context(), summary.id, me),  # 撤回, 退回 (docs/withdraw-and-return.md)
            countersign=page.countersign,  # 会签 progress (clerk/_countersign.html)
            documents=document_lists.list_for_task(context(), me, summary.id),  # 文书 it issued (clerk/_documents.html)
            urging=urges.task_urges(context(), summary.id, me),  # 催办记录 and form (clerk/_urge.html)
            copied=copy_lists.receipts_for_task(context(), summary.id, me),  # 抄送 receipts (clerk/_copy_receipts.html)
            system_step=policy.tekun.is_system_completed(detail.form_key),  # 特困抽查: a link, not a form
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
    if op == "save":
        return _save(task_id, values)
    if op != "submit":  # 添加 / 删除 an item of a list, 修改 a household copy: show the form again, nothing is stored
        if not (apply_op(schema, values, op) or is_refresh(schema, op)):
            abort(400)
        return _page(_task_page(task_id), values)
    try:
        result = tasks.complete(ctx, task_id, me, values)  # the one restore: in the engine host
    except InvalidData as exc:
        return _page(_task_page(task_id), values, exc.fields, status=422)
    stage = f"；案件当前阶段：{result.stage}" if result.stage else ""
    done = f"已提交任务“{result.task.title}”（案件 {result.case_number}）{stage}"
    # On to the next task of the same step in my 待办 (earliest due first): thirty a day, one after another.
    following = tasks.next_task(ctx, me, task_id)
    if following is None:
        flash(f"{done}。同类任务已全部办完，已返回工作台", "success")
        return redirect(url_for("inbox.index"))
    flash(f"{done}。已打开下一件同类任务：案件 {following.case_number}", "success")
    return redirect(url_for(".show", task_id=following.id))


def _save(task_id: int, values: Mapping[str, Any]) -> ResponseReturnValue:
    """暂存: keep what was typed, complete nothing, and come back to the same page (POST-redirect-GET)."""
    try:
        tasks.save_draft(context(), task_id, username(), values)
    except InvalidData as exc:
        return _page(_task_page(task_id), values, exc.fields, status=422)
    flash("已暂存，下次打开本任务时从暂存的内容继续", "success")
    return redirect(url_for(".show", task_id=task_id))


@bp.post("/<id:task_id>/upload")
@login_required
def upload(task_id: int) -> ResponseReturnValue:
    """上传 inside the task form without JavaScript: the whole form arrives (multipart); the file is stored
    and the page shown again with everything typed so far, nothing of the form itself is stored."""
    schema = task_page.task_form(context(), task_id, username()) or {}
    values = parse_submission(schema, request.form)
    parse_copies(schema, request.form, values)
    done, refused = store_upload(task_id)
    if done:
        flash(done, "success")
    return _page(_task_page(task_id), values, upload_errors=refused, status=422 if refused else 200)
