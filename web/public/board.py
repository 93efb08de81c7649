"""The public 公示 board of a village (docs/contracts.md `/public/notices/<village>`, no login).

It shows only what docs/rules.md#public-notice allows: each running 审核公示 (masked name, persons covered, proposed
amount, start and end in Beijing time) and the long-term 公布 list (masked name, persons, monthly
amount); both come from services that never read anything else of a household. Anyone may object to
a running 公示: the form posts with a CSRF token (an anonymous visitor gets a session cookie for it),
objections are rate-limited per client address (notices.check_rate's limits, counted from the audit
log), and notices.object_to_notice records the objection, writes its audit event and delivers it to the
waiting process in one transaction.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_wtf.csrf import CSRFError

from engine.errors import Conflict, InvalidData, NotFound, RateLimited
from engine.queries import notices as notice_board
from engine.queries import publication, villages
from engine.services import notices
from web.kit.current import context, remote_addr
from web.kit.errors import request_id

bp = Blueprint("public", __name__, url_prefix="/public")


def _error(status: int, title: str, message: str) -> ResponseReturnValue:
    page = render_template("public/error.html", status=status, title=title, message=message, rid=request_id())
    return page, status


@bp.errorhandler(CSRFError)
def _csrf(exc: CSRFError) -> ResponseReturnValue:
    # The app's handler would offer 返回工作台; a visitor of the board needs the way back to the board.
    return _error(400, "请求未通过安全校验", "页面已过期或缺少安全校验信息，请返回公示页面刷新后重新填写提交。")


@bp.errorhandler(NotFound)
def _not_found(exc: NotFound) -> ResponseReturnValue:
    return _error(404, "页面不存在", exc.message)


@bp.get("/notices")
def index() -> ResponseReturnValue:
    return render_template("public/index.html", boards=publication.villages_with_open_notices(context()))


def _board(
    village_code: str,
    *,
    notice_id: int | None = None,
    values: Mapping[str, str] | None = None,
    errors: Mapping[str, list[str]] | None = None,
    message: str | None = None,
    status: int = 200,
) -> tuple[str, int]:
    ctx = context()
    village = villages.public_village(ctx, village_code)  # NotFound → the 404 page above
    page = render_template(
        "public/notices.html",
        village=village,
        notices=notice_board.open_notices(ctx, village.code),
        published=publication.published_enrollments(ctx, village.code),
        form_for=notice_id,
        values=values or {},
        errors=errors or {},
        message=message,
        max_text=notices.MAX_TEXT,
        max_contact=notices.MAX_CONTACT,
    )
    return page, status


@bp.get("/notices/<village>")
def board(village: str) -> ResponseReturnValue:
    return _board(village)


@bp.post("/notices/<village>/<id:notice_id>/objections")
def object_to(village: str, notice_id: int) -> ResponseReturnValue:
    ctx = context()
    # The address names the board: a notice of another village (or none) is not found here.
    if publication.notice_village(ctx, notice_id) != village:
        raise NotFound(f"该村/社区没有编号为 {notice_id} 的公示")
    values = {"text": request.form.get("text", ""), "contact": request.form.get("contact", "")}
    kept: dict[str, Any] = {"notice_id": notice_id, "values": values}
    try:
        # With the client's address the service counts its recent objections (RateLimited past the limit)
        # in the same transaction that records this one.
        receipt = notices.object_to_notice(
            ctx, notice_id, values["text"], values["contact"], channel="public", client_key=remote_addr()
        )
    except RateLimited as exc:
        page, status = _board(village, **kept, message=exc.message, status=429)
        headers = {"Retry-After": str(exc.retry_after)} if exc.retry_after else {}
        return page, status, headers
    except InvalidData as exc:
        return _board(village, **kept, errors=exc.fields, status=422)
    except Conflict as exc:  # the 公示 ended meanwhile: nothing was recorded
        return _board(village, **kept, message=exc.message, status=409)
    flash(
        f"已收到您的异议（编号 {receipt.objection_id}），乡镇（街道）将依法核查处理。感谢您对低保工作的监督。",
        "success",
    )
    return redirect(url_for(".board", village=village))
