"""Signing in and out (flask-login). Passwords, throttling and the audit events are engine.services.auth's;
the server-side session record is engine.services.web_sessions'.

flask-login keeps `get_id()` in the signed session cookie and hands it back to the user loader on every
request. Here that id is the random session id, not the user name, so each request costs one indexed
lookup of its session row. A session that was signed out or revoked, or that has expired, loads no user.
The request is then anonymous, even with a cookie copied before the sign-out.
"""

from __future__ import annotations

from flask import Blueprint, Flask, flash, redirect, render_template, request, session, url_for
from flask.typing import ResponseReturnValue
from flask_login import LoginManager, current_user, login_user, logout_user

from engine.errors import InvalidData
from engine.results import SignedInUser
from engine.services import web_sessions
from engine.services.auth import LoginRefused, LoginThrottled
from web.deps import context, login_required, remote_addr
from web.redirects import local_target, safe_redirect_target

bp = Blueprint("auth", __name__)
login_manager = LoginManager()
login_manager.login_view = "auth.login"
login_manager.login_message = "请先登录"
login_manager.login_message_category = "info"


class WebUser:
    """What flask-login keeps for a request: the service's view of the user (no ORM object)."""

    is_authenticated = True
    is_active = True
    is_anonymous = False

    def __init__(self, user: SignedInUser, session_id: str) -> None:
        self.user = user
        self.session_id = session_id

    def get_id(self) -> str:
        return self.session_id


def _load(session_id: str) -> WebUser | None:
    user = web_sessions.load(context(), session_id)
    return WebUser(user, session_id) if user is not None else None


login_manager.user_loader(_load)


def init_app(app: Flask) -> None:
    login_manager.init_app(app)
    app.register_blueprint(bp)


@bp.route("/login", methods=["GET", "POST"])
def login() -> ResponseReturnValue:
    if current_user.is_authenticated:
        return redirect(url_for("inbox.index"))
    if request.method == "GET":
        kept = local_target(request.args.get("next")) or ""  # a foreign or garbled target is not even carried along
        return render_template("login.html", username="", errors={}, next=kept)
    name = request.form.get("username", "")
    password = request.form.get("password", "")
    next_url = request.form.get("next", "")
    try:
        signed_in = web_sessions.sign_in(context(), name, password, remote_addr())
    except InvalidData as exc:
        return render_template("login.html", username=name, errors=exc.fields, message=exc.message, next=next_url), 422
    except LoginThrottled as exc:
        return render_template("login.html", username=name, errors={}, message=exc.message, next=next_url), 429
    except LoginRefused as exc:
        return render_template("login.html", username=name, errors={}, message=exc.message, next=next_url), 401
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
