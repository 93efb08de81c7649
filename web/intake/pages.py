"""The 一门受理 pages: thin views over engine.queries.intake and engine.services.intake (POST-redirect-GET,
CSRF by CSRFProtect). A form with bad input is shown again with its values and Chinese messages (422).
Starting a process goes to the start page (/cases/new?process=…&intake=…), prefilled from the request."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any
from urllib.parse import urlencode

from flask import Blueprint, Response, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from engine import policy
from engine.domain.vocabulary_window import (
    FEEDBACK_SATISFACTION_LABELS,
    HOTLINE_CHANNELS,
    INTAKE_CHANNEL_LABELS,
    INTAKE_NEED_LABELS,
    INTAKE_STATUS_LABELS,
    REFERRAL_KIND_LABELS,
)
from engine.errors import InvalidData
from engine.queries import intake as views
from engine.queries import starting
from engine.services import intake
from web.kit.csv_export import csv_text
from web.kit.current import context, login_required, username

bp = Blueprint("intake_register", __name__, url_prefix="/intake")
FORM_FIELDS = (
    "channel",
    "external_ticket",
    "township",
    "village",
    "person_name",
    "id_number",
    "phone",
    "need",
    "need_kind",
)


@bp.app_context_processor
def _navigation() -> dict[str, Any]:
    """Whether the 一门受理 link belongs in the header of the signed-in user's pages."""
    user = getattr(current_user, "user", None)
    return {"may_use_intake": bool(user is not None and policy.intake.may_use_intake(user.roles))}


def _labels() -> dict[str, Any]:
    return {
        "channels": INTAKE_CHANNEL_LABELS,
        "statuses": INTAKE_STATUS_LABELS,
        "needs": INTAKE_NEED_LABELS,
        "satisfactions": FEEDBACK_SATISFACTION_LABELS,
        "referral_kinds": REFERRAL_KIND_LABELS,
        "hotlines": HOTLINE_CHANNELS,
    }


@bp.get("")
@login_required
def index() -> ResponseReturnValue:
    ctx, me = context(), username()
    status, channel = request.args.get("status") or None, request.args.get("channel") or None
    overdue, text = request.args.get("overdue") == "1", (request.args.get("q") or "").strip()[:100] or None
    rows = views.register_list(ctx, me, status=status, channel=channel, overdue=overdue, text=text)
    filters = {"status": status, "channel": channel, "overdue": overdue, "text": text}
    counts = views.dashboard_counts(ctx, me)
    return render_template("intake/register.html", rows=rows, counts=counts, filters=filters, **_labels())


def _form_page(values: Mapping[str, str], errors: Mapping[str, list[str]], status: int = 200) -> ResponseReturnValue:
    places = views.registration_places(context(), username())
    return (
        render_template("intake/new.html", values=values, errors=errors, places=places, **_labels()),
        status,
    )


@bp.get("/new")
@login_required
def new() -> ResponseReturnValue:
    return _form_page({"channel": "window", "need_kind": "dibao"}, {})


@bp.post("/new")
@login_required
def create() -> ResponseReturnValue:
    values = {key: request.form.get(key, "") for key in FORM_FIELDS}
    try:
        registered = intake.register(context(), username(), dict(values))
    except InvalidData as exc:
        return _form_page(values, exc.fields, 422)
    number = registered.detail.row.number
    if registered.created:
        flash(f"已登记受理事项 {number}，请在 {registered.detail.row.due_at:%Y-%m-%d} 前分办", "success")
    else:
        flash(f"该热线工单已登记为受理事项 {number}", "success")
    return redirect(url_for("intake_register.show", number=number))


def _request_page(number: str, errors: Mapping[str, list[str]] | None = None, status: int = 200) -> ResponseReturnValue:
    ctx, me = context(), username()
    detail = views.intake_page(ctx, me, number)
    startable = [(p.process_id, p.title) for p in starting.startable_processes(ctx, me)] if detail.may_triage else []
    return (
        render_template(
            "intake/request.html",
            detail=detail,
            startable=startable,
            start_url=lambda process: "/cases/new?" + urlencode({"process": process, "intake": number}),
            errors=errors or {},
            form=request.form if status != 200 else {},
            **_labels(),
        ),
        status,
    )


@bp.get("/<number>")
@login_required
def show(number: str) -> ResponseReturnValue:
    return _request_page(number)


@bp.post("/<number>/refer")
@login_required
def refer(number: str) -> ResponseReturnValue:
    form = request.form
    try:
        detail = intake.refer(
            context(), number, username(), form.get("department", ""), form.get("kind", ""), form.get("reason", "")
        )
    except InvalidData as exc:
        return _request_page(number, exc.fields, 422)
    flash(f"已转介，转介编号 {detail.row.referral_number}", "success")
    return redirect(url_for("intake_register.show", number=number))


@bp.post("/<number>/close")
@login_required
def close(number: str) -> ResponseReturnValue:
    try:
        intake.close(context(), number, username(), request.form.get("close_reason", ""))
    except InvalidData as exc:
        return _request_page(number, exc.fields, 422)
    flash(f"受理事项 {number} 已办结", "success")
    return redirect(url_for("intake_register.show", number=number))


@bp.post("/<number>/feedback")
@login_required
def feedback(number: str) -> ResponseReturnValue:
    form = request.form
    try:
        intake.record_feedback(context(), number, username(), form.get("feedback", ""), form.get("satisfaction", ""))
    except InvalidData as exc:
        return _request_page(number, exc.fields, 422)
    flash("已记录办理反馈", "success")
    return redirect(url_for("intake_register.show", number=number))


@bp.get("/export.csv")
@login_required
def export() -> Response:
    """The hotline requests of the user's unit with their outcome and feedback, for the hotline platform."""
    channel = request.args.get("channel") or None
    rows = views.hotline_export(context(), username(), channel)
    response = Response(csv_text(rows), mimetype="text/csv; charset=utf-8")
    response.headers["Content-Disposition"] = "attachment; filename=hotline-feedback.csv"
    return response
