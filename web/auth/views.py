"""/login and /logout. Passwords, throttling and the audit events are engine.services.auth's; the
server-side session record is engine.services.web_sessions'; what flask-login keeps is web.auth.session's."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_user, logout_user

from engine.errors import InvalidData
from engine.services import web_sessions
from engine.services.auth import LoginRefused, LoginThrottled
from web.auth.session import WebUser
from web.kit.current import context, login_required, remote_addr
from web.kit.redirects import local_target, safe_redirect_target

bp = Blueprint("auth", __name__)


def _page(
    name: str, next_url: str, *, errors: dict[str, list[str]] | None = None, message: str = "", status: int = 200
) -> ResponseReturnValue:
    return render_template(
        "auth/login.html", username=name, errors=errors or {}, message=message, next=next_url
    ), status


@bp.route("/login", methods=["GET", "POST"])
def login() -> ResponseReturnValue:
    if current_user.is_authenticated:
        return redirect(url_for("inbox.index"))
    if request.method == "GET":
        kept = local_target(request.args.get("next")) or ""  # a foreign or garbled target is not even carried along
        return _page("", kept)
    name = request.form.get("username", "")
    password = request.form.get("password", "")
    next_url = request.form.get("next", "")
    try:
        signed_in = web_sessions.sign_in(context(), name, password, remote_addr())
    except InvalidData as exc:
        return _page(name, next_url, errors=exc.fields, message=exc.message, status=422)
    except LoginThrottled as exc:
        return _page(name, next_url, message=exc.message, status=429)
    except LoginRefused as exc:
        return _page(name, next_url, message=exc.message, status=401)
    session.clear()  # a fresh session (and CSRF token) for the signed-in user: no session fixation
    login_user(WebUser(signed_in.user, signed_in.session_id))
    return redirect(safe_redirect_target(next_url, url_for("inbox.index")))


@bp.post("/logout")
@login_required
def logout() -> ResponseReturnValue:
    web_sessions.sign_out(context(), current_user.session_id, remote_addr())
    logout_user()
    session.clear()
    flash("已退出登录", "info")
    return redirect(url_for("auth.login"))
