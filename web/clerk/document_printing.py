"""Batch printing (GET /documents/print, docs/documents-corrections-and-printing.md): township and county
staff choose the 公示 sheets of a township or a month's 确认通知书; GET /documents/print/pdf answers the
one PDF inline, for the browser to show and print. Nothing to print is a flash and the form again."""

from __future__ import annotations

from urllib.parse import urlencode

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user

from engine import policy
from engine.errors import InvalidData, NotFound
from engine.queries import document_printing as choices
from engine.services import document_printing
from engine.services.document_printing import PrintedBatch
from web.kit.current import context, login_required, username

bp = Blueprint("document_printing", __name__, url_prefix="/documents")


@bp.app_template_global("may_print_documents")
def may_print_documents() -> bool:
    """For the 工作台's 批量打印文书 link (clerk/_document_print_link.html)."""
    user = getattr(current_user, "user", None)
    return user is not None and policy.may_print_documents(user.roles, user.org_unit_level)


WHAT = {"notices": "公示材料（按乡镇，张贴用）", "confirmations": "确认通知书（按月）"}


@bp.get("/print")
@login_required
def form() -> ResponseReturnValue:
    offered = choices.print_choices(context(), username())
    chosen = {
        "what": request.args.get("what", "notices"),
        "township": request.args.get("township", ""),
        "unit": request.args.get("unit", ""),
        "month": request.args.get("month", "") or offered.this_month,
    }
    return render_template("clerk/document_print.html", offered=offered, chosen=chosen, what=WHAT)


@bp.get("/print/pdf")
@login_required
def pdf() -> ResponseReturnValue:
    choices.print_choices(context(), username())  # 403 first, whatever was asked
    what = request.args.get("what", "")
    try:
        batch = _batch(what)
    except (InvalidData, NotFound) as exc:
        fields = exc.fields if isinstance(exc, InvalidData) else {}
        flash("；".join(m for messages in fields.values() for m in messages) or exc.message, "error")
        kept = urlencode({key: request.args.get(key, "") for key in ("what", "township", "unit", "month")})
        return redirect(f"{url_for('document_printing.form')}?{kept}")
    headers = {"Content-Disposition": f'inline; filename="{batch.filename}"', "Cache-Control": "no-store"}
    return batch.pdf, 200, {**headers, "Content-Type": "application/pdf"}


def _batch(what: str) -> PrintedBatch:
    if what == "notices":
        return document_printing.print_notices(context(), username(), request.args.get("township") or None)
    if what == "confirmations":
        month, unit = request.args.get("month", ""), request.args.get("unit") or None
        return document_printing.print_confirmations(context(), username(), month, unit)
    raise InvalidData("打印信息有误", {"what": ["打印内容：请选择公示材料或确认通知书"]})
