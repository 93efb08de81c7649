"""The 转介 pages: thin views over engine.queries.referrals and engine.services.referrals (POST-redirect-GET).

GET /referrals lists the referrals the user sees (a department user: their department's; township and county
staff: their scope's), open ones by default; GET /referrals/<number> shows one, with 接收 and 反馈 for the
department; POST …/accept and …/answer change it. GET and POST /referrals/new/<case number> refer a case
(the case page's 转介其他部门). Roles and scope are engine.policy.referrals', checked by every query and
command; a refusal of the input shows the form again with the field's message (422)."""

from __future__ import annotations

from typing import Any

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from engine.domain.vocabulary_window import REFERRAL_KIND_LABELS, REFERRAL_STATUS_LABELS
from engine.errors import Conflict, InvalidData
from engine.policy.referrals import DEPARTMENT_ROLE, WATCHING_ROLES
from engine.queries import referrals as views
from engine.services import referrals
from web.kit.current import context, login_required, signed_in, username

bp = Blueprint("referrals", __name__, url_prefix="/referrals")

MAX_NUMBER = 32
FILTERS = {"open": "待办（待接收、办理中）", **REFERRAL_STATUS_LABELS, "all": "全部"}


@bp.app_context_processor
def _navigation() -> dict[str, Any]:
    """Whether the 转介 link belongs in the header of the signed-in user's pages."""
    user = getattr(current_user, "user", None)
    roles = set(user.roles) if user is not None else set()
    return {"may_see_referrals": bool(roles & (WATCHING_ROLES | {DEPARTMENT_ROLE}))}


def _number(number: str) -> str:
    if len(number) > MAX_NUMBER:
        abort(404)
    return number


@bp.get("")
@login_required
def index() -> ResponseReturnValue:
    status = request.args.get("status", "open")
    if status not in FILTERS:
        status = "open"
    rows = views.list_referrals(context(), username(), None if status == "all" else status)
    return render_template("referrals/index.html", rows=rows, status=status, filters=FILTERS, me=signed_in())


def _show(
    number: str, errors: dict[str, list[str]] | None = None, values: dict[str, str] | None = None, status: int = 200
) -> ResponseReturnValue:
    page = views.show_referral(context(), username(), _number(number))
    body = render_template("referrals/show.html", page=page, r=page.referral, errors=errors or {}, values=values or {})
    return body, status


@bp.get("/<number>")
@login_required
def show(number: str) -> ResponseReturnValue:
    return _show(number)


@bp.post("/<number>/accept")
@login_required
def accept(number: str) -> ResponseReturnValue:
    try:
        referrals.accept(context(), username(), _number(number))
    except Conflict as exc:
        flash(exc.message, "error")
        return _show(number, status=409)
    flash(f"已接收转介 {number}，请在反馈期限内办理并反馈", "success")
    return redirect(url_for(".show", number=number))


@bp.post("/<number>/answer")
@login_required
def answer(number: str) -> ResponseReturnValue:
    values = {"answer": request.form.get("answer", ""), "text": request.form.get("text", "")}
    try:
        referrals.answer(context(), username(), _number(number), answer=values["answer"], text=values["text"])
    except InvalidData as exc:
        return _show(number, exc.fields, values, 422)
    except Conflict as exc:
        flash(exc.message, "error")
        return _show(number, status=409)
    flash(f"已反馈转介 {number}", "success")
    return redirect(url_for(".show", number=number))


def _new(
    case: str, errors: dict[str, list[str]] | None = None, values: dict[str, str] | None = None, status: int = 200
) -> ResponseReturnValue:
    departments = views.case_departments(context(), username(), case)
    body = render_template(
        "referrals/new.html",
        case=case,
        departments=departments,
        kinds=REFERRAL_KIND_LABELS,
        errors=errors or {},
        values=values or {},
    )
    return body, status


@bp.get("/new/<case>")
@login_required
def new(case: str) -> ResponseReturnValue:
    return _new(_number(case))


@bp.post("/new/<case>")
@login_required
def create(case: str) -> ResponseReturnValue:
    form = request.form
    values = {key: form.get(key, "") for key in ("department", "kind", "reason")}
    try:
        row = referrals.refer_case(context(), username(), _number(case), **values)
    except InvalidData as exc:
        return _new(case, exc.fields, values, 422)
    flash(f"已转介{row.department_name}（{row.number}），反馈期限 {row.due_at:%Y-%m-%d}", "success")
    return redirect(url_for("case_pages.show", number=case, _anchor="referrals"))
