"""The 发放名册 pages: thin views over engine.queries.payroll and engine.services.payroll (POST-redirect-GET).

GET /payroll goes to the user's own county; /payroll/<county> lists its months and offers 生成 and 调整;
/payroll/<county>/<month> shows one roster (totals by township and category, the lines with paging and
filters) and …/check its reconciliation with the records. POST …/generate, …/approve and
/payroll/<county>/adjustments change it; …/file.csv and …/file.xlsx download the bank file (full 身份证号,
recorded in the audit log). Roles and county scope are engine.policy.payroll's, checked by every query and
command.
"""

from __future__ import annotations

from typing import Any
from urllib.parse import quote

from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from engine.errors import Conflict, InvalidData
from engine.policy import payroll as policy
from engine.queries import payroll as views
from engine.queries import payroll_check
from engine.services import payroll
from web.kit.current import context, login_required, page_number, signed_in, username

bp = Blueprint("payroll", __name__, url_prefix="/payroll")


@bp.app_context_processor
def _navigation() -> dict[str, Any]:
    """Whether the 发放名册 link belongs in the header of the signed-in user's pages."""
    user = getattr(current_user, "user", None)
    return {"may_see_payroll": bool(user is not None and policy.may_see_payroll(user.roles))}


def _problem(exc: InvalidData | Conflict) -> None:
    details = [m for messages in getattr(exc, "fields", {}).values() for m in messages]
    flash("；".join([exc.message, *details]), "error")


@bp.get("")
@login_required
def home() -> ResponseReturnValue:
    county = views.county_months(context(), username())
    return redirect(url_for("payroll.months", county=county.county_code))


@bp.get("/<county>")
@login_required
def months(county: str) -> ResponseReturnValue:
    found = views.county_months(context(), username(), county)
    return render_template("payroll/months.html", county=found, me=signed_in())


@bp.post("/<county>/generate")
@login_required
def generate(county: str) -> ResponseReturnValue:
    month = request.form.get("month", "").strip()
    try:
        done = payroll.generate(context(), username(), county, month)
    except (InvalidData, Conflict) as exc:
        _problem(exc)
        return redirect(url_for("payroll.months", county=county))
    flash(f"已生成 {done.month} 发放名册草稿：{done.line_count} 笔，合计 {done.total} 元", "success")
    return redirect(url_for("payroll.roster", county=county, month=done.month))


@bp.post("/<county>/adjustments")
@login_required
def adjust(county: str) -> ResponseReturnValue:
    form = request.form
    try:
        payroll.add_adjustment(
            context(),
            username(),
            county,
            form.get("case_number", "").strip(),
            form.get("corrects_month", ""),
            form.get("paid_in", ""),
            form.get("amount", ""),
            form.get("reason", ""),
        )
    except (InvalidData, Conflict) as exc:
        _problem(exc)
        return redirect(url_for("payroll.months", county=county))
    flash(f"已登记调整，计入 {form.get('paid_in', '')}；该月名册如已生成，请重新生成", "success")
    return redirect(url_for("payroll.months", county=county))


@bp.get("/<county>/<month>")
@login_required
def roster(county: str, month: str) -> ResponseReturnValue:
    args = request.args
    filters = {k: args.get(k, "").strip() or None for k in ("township", "category", "kind")}
    page = views.roster_page(context(), username(), county, month, page_number(), **filters)
    return render_template("payroll/roster.html", roster=page, filters=filters)


@bp.get("/<county>/<month>/check")
@login_required
def check(county: str, month: str) -> ResponseReturnValue:
    """The reconciliation on a page of its own: it recomputes every line (seconds for 100,000)."""
    found = payroll_check.reconciliation(context(), username(), county, month)
    return render_template("payroll/check.html", check=found)


@bp.post("/<county>/<month>/approve")
@login_required
def approve(county: str, month: str) -> ResponseReturnValue:
    if request.form.get("confirm") != "yes":
        flash("请勾选确认后再审批", "error")
        return redirect(url_for("payroll.roster", county=county, month=month))
    try:
        done = payroll.approve(context(), username(), county, month)
    except Conflict as exc:
        _problem(exc)
        return redirect(url_for("payroll.roster", county=county, month=month))
    flash(f"已审批 {done.month} 发放名册，该月已锁定", "success")
    return redirect(url_for("payroll.roster", county=county, month=month))


@bp.get("/<county>/<month>/file.<file_format>")
@login_required
def download(county: str, month: str, file_format: str) -> ResponseReturnValue:
    if file_format not in payroll.FORMATS:
        abort(404)
    done = payroll.export(context(), username(), county, month, file_format)
    return Response(
        done.content,
        mimetype=done.mimetype,
        headers={
            "Content-Disposition": _attachment(done.file_name),
            "Cache-Control": "no-store",  # full 身份证号
        },
    )


def _attachment(name: str) -> str:
    """RFC 6266: an ASCII fallback and the Chinese name encoded (RFC 5987)."""
    fallback = "payroll" + name[name.rfind(".") :]
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(name, safe='')}"
