"""延长办理期限 on the case page (issue 14, docs/starting-cases.md): 30 → 45 working days, once, while undecided.

The case page includes clerk/_case_extend.html, a small form (ground and reason) shown only where the
extension would be accepted (engine.queries.extension). POST /cases/<number>/extend runs
engine.services.cases.extend_legal_clock and redirects to the case page; a second extension or one after
the decision is refused with the reason (409), a missing ground or reason shows the form again with the
messages at the fields and what was typed (422), another user's case is 403.

The case summary also names why a 动态复核 was started (clerk/_case_start_ground.html).
"""

from __future__ import annotations

from collections.abc import Mapping

from flask import Blueprint, flash, redirect, render_template, request
from flask.typing import ResponseReturnValue

from engine.domain.vocabulary import EXTENSION_GROUNDS, REVIEW_TRIGGERS
from engine.errors import Conflict, InvalidData
from engine.queries import extension
from engine.services import cases
from web.kit.current import context, login_required, username

bp = Blueprint("case_extend", __name__)


@bp.app_context_processor
def _review_triggers() -> dict[str, dict[str, str]]:
    """For clerk/_case_start_ground.html: the Chinese name of a 动态复核's ground."""
    return {"review_triggers": REVIEW_TRIGGERS}


@bp.app_template_global("extension_grounds")
def _grounds(number: str) -> dict[str, str]:
    """For the case page's partial: the grounds to offer, {} when the form is not shown."""
    return extension.extension_grounds(context(), number, username())


def _form(
    number: str, ground: str, reason: str, errors: Mapping[str, list[str]], message: str = "", status: int = 200
) -> ResponseReturnValue:
    page = render_template(
        "clerk/case_extend.html",
        number=number,
        grounds=EXTENSION_GROUNDS,
        ground=ground,
        reason=reason,
        errors=errors,
        message=message,
    )
    return page, status


@bp.get("/cases/<number>/extend")
@login_required
def form(number: str) -> ResponseReturnValue:
    if not extension.extension_grounds(context(), number, username()):
        return _form(number, "", "", {}, "该案件当前不能延长办理时限（已延长过、已作出决定、尚未受理或无权延长）", 409)
    return _form(number, "", "", {})


@bp.post("/cases/<number>/extend")
@login_required
def extend(number: str) -> ResponseReturnValue:
    ground = request.form.get("ground", "")
    reason = request.form.get("reason", "")[:2000]
    try:
        view = cases.extend_legal_clock(context(), number, username(), ground, reason)
    except InvalidData as exc:
        return _form(number, ground, reason, exc.fields, exc.message, 422)
    except Conflict as exc:
        return _form(number, ground, reason, {}, exc.message, 409)
    days = view.legal_clock.limit_days if view.legal_clock else ""
    flash(f"案件 {number} 的办理时限已延长至 {days} 个工作日", "success")
    return redirect(f"/cases/{number}")
