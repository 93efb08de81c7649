"""年度调标 pages (docs/annual-adjustment.md). Thin views: the runs and their items are
engine.queries.recalculation's, preparing, approving and cancelling engine.services.recalculation's; every
POST redirects (POST-redirect-GET) and a refusal (a locked month, a changed enrolment) comes back as a message
on the page it was asked from."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from engine import policy
from engine.domain.vocabulary import RECALCULATION_CHANGE_LABELS
from engine.errors import Conflict, InvalidData
from engine.queries import recalculation as runs
from engine.services import recalculation
from web.kit.csv_export import csv_text
from web.kit.current import context, login_required, page_number, username

bp = Blueprint("recalculation", __name__, url_prefix="/recalculations")


@bp.app_context_processor
def _navigation() -> dict[str, Any]:
    """Whether the 年度调标 link belongs in the header of the signed-in user's pages."""
    user = getattr(current_user, "user", None)
    allowed = user is not None and policy.recalculation.may_open_recalculations(user.roles, user.org_unit_level)
    return {"may_recalculate": allowed}


def _list(month: str = "", message: str = "", status: int = 200) -> ResponseReturnValue:
    listing = runs.list_runs(context(), username())
    return render_template("recalculation/index.html", listing=listing, month=month, message=message), status


@bp.get("")
@login_required
def index() -> ResponseReturnValue:
    return _list()


@bp.post("")
@login_required
def prepare() -> ResponseReturnValue:
    month = request.form.get("month", "").strip()
    try:
        result = recalculation.prepare(context(), username(), month)
    except InvalidData as exc:
        return _list(month, "；".join(m for ms in exc.fields.values() for m in ms) or exc.message, 422)
    except Conflict as exc:
        return _list(month, exc.message, 409)
    flash(f"已生成调标 {result.number}，请核对后提交县级审批", "success")
    return redirect(url_for("recalculation.show", number=result.number))


@bp.get("/<number>")
@login_required
def show(number: str) -> ResponseReturnValue:
    chosen = request.args.get("filter", "changed")
    page = runs.run_page(context(), username(), number, chosen, page_number())
    return render_template(
        "recalculation/run.html",
        page=page,
        filters=runs.FILTER_LABELS,
        change_labels=RECALCULATION_CHANGE_LABELS,
    )


@bp.post("/<number>/approve")
@login_required
def approve(number: str) -> ResponseReturnValue:
    if request.form.get("confirm") != "1":
        flash("请先勾选“已核对调标结果”再审批", "error")
        return redirect(url_for("recalculation.show", number=number))
    try:
        result = recalculation.approve(context(), number, username())
    except Conflict as exc:
        flash(exc.message, "error")
        return redirect(url_for("recalculation.show", number=number))
    flash(
        f"调标 {result.number} 已审批：增发 {result.counts['raise']} 户，减发 {result.counts['reduce']} 户，"
        f"{result.counts['flagged']} 户已安排复核",
        "success",
    )
    return redirect(url_for("recalculation.show", number=number))


@bp.post("/<number>/cancel")
@login_required
def cancel(number: str) -> ResponseReturnValue:
    try:
        recalculation.cancel(context(), number, username())
    except Conflict as exc:
        flash(exc.message, "error")
        return redirect(url_for("recalculation.show", number=number))
    flash(f"调标 {number} 已作废", "success")
    return redirect(url_for("recalculation.index"))


@bp.get("/<number>.csv")
@login_required
def export(number: str) -> ResponseReturnValue:
    summary, items = runs.run_items(context(), username(), number)
    header = ["案件编号", "户主", "村/社区", "原人数", "原金额（元）", "新金额（元）", "调整", "原因"]
    rows = [
        [
            i.case_number,
            i.applicant_name,
            i.village,
            i.old_persons,
            i.old_amount,
            i.new_amount or "",
            i.change_label,
            i.reason or "",
        ]
        for i in items
    ]
    return (
        csv_text([header, *rows]),
        200,
        {
            "Content-Type": "text/csv; charset=utf-8",
            "Content-Disposition": f'attachment; filename="{summary.number}.csv"',
            "Cache-Control": "no-store",  # the list names households
        },
    )
